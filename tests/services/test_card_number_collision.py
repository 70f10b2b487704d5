"""A drawn card number that is already taken is drawn again, not an error."""
from datetime import UTC, datetime

from portal.services import cards
from tests.factories import MOTHER, create_card, create_wave

NOW = datetime(2021, 3, 10, 3, 0, tzinfo=UTC)


def test_a_taken_number_is_drawn_again(app, monkeypatch):
    create_wave()
    first = create_card()
    draws = iter([first.number, "4539578763621486"])
    monkeypatch.setattr(cards, "new_card_number", lambda: next(draws))
    second = cards.issue_card("3171021207000001", "Budi", "+6281299990000", 13, NOW, NOW, mother=MOTHER)
    assert second.number == "4539578763621486"
