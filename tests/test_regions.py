"""The province lists are those of 8 April 2021: 34 provinces, none of the four created in 2022."""
from portal.regions import PROVINCES


def test_the_34_provinces_of_2021():
    assert len(PROVINCES) == 34
    assert {"92", "95", "96", "97"}.isdisjoint(PROVINCES)
    assert PROVINCES["91"] == "Papua Barat" and PROVINCES["94"] == "Papua"


def test_the_catalogue_filter_offers_them_all(client):
    html = client.get("/pelatihan/").get_data(as_text=True)
    assert "Papua Barat" in html and "Papua Tengah" not in html and "Papua Pegunungan" not in html
