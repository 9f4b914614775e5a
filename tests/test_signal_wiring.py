"""Signal receivers are connected by create_app, once, whatever is imported first."""
from matchmaker import create_app
from matchmaker.signals import listing_published, listing_reviewed, listing_unpublished


def test_create_app_connects_each_receiver_once(tmp_path):
    for n in range(2):
        create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{n}.db",
                    "INDEX_DIR": str(tmp_path / f"index-{n}")})
    names = {signal.name: sorted(r.__name__ for r in signal.receivers_for(object()))
             for signal in (listing_published, listing_unpublished, listing_reviewed)}
    assert names == {"listing-published": ["on_listing_published"],
                     "listing-unpublished": ["on_listing_unpublished"],
                     "listing-reviewed": ["on_listing_reviewed"]}
