"""Valid listing data for tests (plain dicts, as the forms and the import hand them to services)."""
from datetime import date, timedelta


def achievement_data(**changes) -> dict:
    data = {
        "title": "高安全性固态锂电池复合电解质制备技术",
        "summary": "本成果提出一种聚合物与陶瓷复合的固态电解质，室温离子电导率高，可抑制锂枝晶，"
                   "显著提升锂电池的安全性和循环寿命，适用于动力电池和储能电池。",
        "keywords": "固态电池，电解质，锂电池",
        "field_code": "0603",
        "region": "四川",
        "trl": "6",
        "coop_modes": ["transfer", "license_general"],
        "price_mode": "listed",
        "price_amount": "120",
        "industries": "新能源汽车，储能",
        "innovation_points": "复合电解质界面改性",
        "key_indicators": "离子电导率 1e-3 S/cm",
        "team": "李教授团队，博士 5 人",
        "contact_name": "李老师",
        "contact_phone": "028-85401234",
        "contact_email": "li.secret@example.edu.cn",
        "ip_items": [{"ip_type": "invention", "number": "ZL 2019 1 0123456.X", "status": "granted"}],
    }
    data.update(changes)
    return data


def need_data(**changes) -> dict:
    data = {
        "title": "动力电池包热失控早期预警技术",
        "description": "企业生产储能电池包，需要一套能在热失控发生前提前预警的检测技术，"
                       "要求成本可控、可集成到现有电池管理系统。",
        "indicators": "预警提前量不少于 5 分钟",
        "keywords": "热失控，预警，锂电池",
        "field_code": "0603",
        "region": "重庆",
        "budget_min": "50",
        "budget_max": "200",
        "deadline": date.today() + timedelta(days=60),
        "coop_modes": ["development"],
        "ip_ownership": "shared",
        "is_challenge": False,
        "contact_name": "王经理",
        "contact_phone": "13800001111",
        "contact_email": "wang.secret@example.com",
    }
    data.update(changes)
    return data


def published(kind_name: str, owner, admin, **changes):
    """Create, submit and approve a listing through the real services; return it."""
    from matchmaker.listings import services
    from matchmaker.listings.kinds import get_kind

    kind = get_kind(kind_name)
    data = achievement_data(**changes) if kind_name == "achievements" else need_data(**changes)
    listing = services.create_listing(kind, owner, data)
    services.submit_listing(listing, owner)
    return services.approve_listing(listing, admin)


def indexed_ids(kind_name: str) -> set[str]:
    """Ids currently in the engine index of a kind."""
    from matchmaker.listings.index import get_index

    return get_index(kind_name).ids()
