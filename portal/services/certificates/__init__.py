"""Certificates of a passed training, once issued: `queries` finds a holder's certificates and what
became of each training; `codes` makes and checks the public verification codes.

The provider's confirmation issues them (services/completion.py); the certificate itself, as a page
and as a PDF, is drawn by the certificates blueprint (portal/certificates/).
"""
