"""Published listings and matches made straight from models, for the match-workflow tests."""
from datetime import timedelta

from indexer import Hit
from matchmaker.extensions import db
from matchmaker.matches.matching import upsert_match
from models import Achievement, BrokerCoverage, ListingStatus, Need, TechField, read_taxonomy_file, utcnow


def make_need(owner=None, **fields) -> Need:
    """A published need (contact details set, so leaks are detectable)."""
    values = dict(title="高效储能电池热管理需求", description="需要提升储能电池包的散热与安全预警能力。",
                  field_code="0603", region="重庆", status=ListingStatus.PUBLISHED, owner=owner,
                  contact_name="王需求", contact_phone="13900000001", contact_email="need.secret@example.com",
                  published_at=utcnow())
    values.update(fields)
    need = Need(**values)
    db.session.add(need)
    db.session.commit()
    return need


def make_achievement(owner=None, **fields) -> Achievement:
    """A published achievement (contact details set, so leaks are detectable)."""
    values = dict(title="固态锂电池复合电解质", summary="复合固态电解质提升锂电池安全性与循环寿命。",
                  field_code="0603", region="四川", status=ListingStatus.PUBLISHED, owner=owner,
                  contact_name="李成果", contact_phone="02800000002", contact_email="ach.secret@example.edu.cn",
                  published_at=utcnow())
    values.update(fields)
    ach = Achievement(**values)
    db.session.add(ach)
    db.session.commit()
    return ach


def make_match(need=None, achievement=None, score=80.0, terms=("电池",), age_days=0):
    """Store an engine match for a pair through the real upsert (assignment included)."""
    need = need or make_need()
    achievement = achievement or make_achievement()
    hit = Hit(id=str(achievement.id), score=score, fused=score / 100, signals={"dense": 0.8, "bm25": 0.5},
              shared_terms=list(terms))
    match, _ = upsert_match(need, achievement, hit)
    if age_days:
        match.created_at = utcnow() - timedelta(days=age_days)
    db.session.commit()
    return match


def ensure_taxonomy():
    """Load the default field tree once (coverage rows reference it)."""
    from flask import current_app

    if db.session.get(TechField, "01") is None:
        db.session.add_all(TechField(**row) for row in read_taxonomy_file(current_app.config["TAXONOMY_FILE"]))
        db.session.commit()


def cover(broker, field_code=None, region=None):
    """Let ``broker`` cover a field/region (None: any)."""
    ensure_taxonomy()
    db.session.add(BrokerCoverage(broker_id=broker.id, field_code=field_code, region=region))
    db.session.commit()
    return broker


def rows(model, **filters) -> list:
    """Every row of ``model`` matching ``filters``, in id order."""
    return list(db.session.scalars(db.select(model).filter_by(**filters).order_by(model.id)))
