"""Demo achievements drawn from the CSL corpus of Chinese paper abstracts (Apache-2.0, see NOTICE)."""
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
import gzip
import json
import random
import re
import zlib

from models import (Achievement, CoopMode, IndexState, IPItem, IPStatus, IPType, ListingStatus,
                    Organization, PriceMode, User)

from ..errors import ValidationError
from .codes import make_cn_application_number, make_software_copyright_number

# CSL discipline -> (default sub-field code, [(words in title/keywords, sub-field code)]).
# Humanities, social sciences, pure sciences and weapons are left out: not technology listings.
DISCIPLINE_FIELDS = {
    "计算机科学与技术": ("0101", [(("安全", "加密", "入侵", "隐私", "认证"), "0107"), (("网络", "云"), "0103")]),
    "信息与通信工程": ("0104", [(("图像", "视频"), "0105"), (("安全", "加密"), "0107")]),
    "电子科学与技术": ("0106", [(("集成电路", "芯片", "半导体", "CMOS"), "0102")]),
    "光学工程": ("0106", [(("测量", "检测", "传感"), "0803")]),
    "控制科学与工程": ("0801", [(("机器人",), "0805")]),
    "交通运输工程": ("0108", [(("汽车", "车辆"), "0807")]),
    "机械工程": ("0805", [(("加工", "制造", "焊接", "切削", "模具"), "0804")]),
    "力学": ("0501", [(("材料", "复合"), "0402")]),
    "动力工程及工程热物理": ("0604", [(("太阳能", "风能", "生物质"), "0601")]),
    "电气工程": ("0806", [(("电池", "储能", "超级电容"), "0603")]),
    "化学/化学工程与技术": ("0405", [(("催化", "清洁", "废水"), "0707"), (("聚合", "高分子", "树脂"), "0403")]),
    "材料科学与工程": ("0401", [(("聚合", "高分子", "树脂", "纤维", "橡胶"), "0403"),
                         (("陶瓷", "玻璃", "混凝土", "水泥", "薄膜"), "0402"), (("生物", "医用"), "0404")]),
    "冶金工程": ("0401", []),
    "纺织科学与工程": ("0403", []),
    "土木工程": ("0501", [(("混凝土", "水泥", "沥青"), "0402"), (("安全", "监测"), "0802")]),
    "建筑学": ("0501", [(("节能",), "0604")]),
    "水利工程": ("0701", []),
    "测绘科学与技术": ("0503", []),
    "环境科学与工程": ("0701", [(("大气", "烟气", "颗粒物", "脱硫", "脱硝"), "0702"),
                         (("固废", "污泥", "垃圾", "废渣"), "0703"), (("监测",), "0705")]),
    "石油与天然气工程": ("0708", []),
    "矿业工程": ("0708", [(("安全", "瓦斯", "突水"), "0802")]),
    "核科学与技术": ("0602", []),
    "航空宇航科学与技术": ("0301", [(("航天", "卫星", "火箭", "轨道"), "0302")]),
    "船舶与海洋工程": ("0808", []),
    "农业工程": ("0805", [(("土壤", "灌溉", "生态"), "0706")]),
    "食品科学与工程": ("0206", []),
    "作物学": ("0207", []),
    "园艺学": ("0207", []),
    "植物保护": ("0207", []),
    "农业资源利用": ("0706", []),
    "林学/林业工程": ("0207", [(("生态", "植被", "水土"), "0706")]),
    "水产": ("0207", []),
    "畜牧学/兽医学": ("0207", []),
    "中医学/中药学": ("0202", []),
    "药学": ("0203", [(("制剂", "缓释", "纳米", "脂质体", "微球"), "0204"), (("中药", "提取"), "0202")]),
    "基础医学/临床医学": ("0201", [(("影像", "CT", "超声", "设备"), "0205")]),
    "口腔医学": ("0205", [(("材料", "树脂", "种植体"), "0404")]),
    "生物学/生物科学与工程": ("0201", [(("植物", "作物", "水稻"), "0207")]),
    "地质学/地质资源与地质工程": ("0708", []),
    "地球物理学": ("0708", []),
    "大气科学": ("0705", []),
    "海洋科学": ("0706", []),
}

# Application industries (国民经济行业) by sub-field, falling back to the top-level field.
INDUSTRIES = {
    "01": ["软件和信息技术服务业", "计算机、通信和其他电子设备制造业"], "0108": ["铁路运输业", "道路运输业"],
    "02": ["医药制造业", "卫生"], "0206": ["食品制造业", "酒、饮料和精制茶制造业"], "0207": ["农业", "畜牧业", "渔业"],
    "03": ["铁路、船舶、航空航天和其他运输设备制造业"],
    "04": ["化学原料和化学制品制造业"], "0401": ["有色金属冶炼和压延加工业", "黑色金属冶炼和压延加工业"],
    "0402": ["非金属矿物制品业"], "0403": ["橡胶和塑料制品业", "化学纤维制造业"],
    "05": ["专业技术服务业", "科技推广和应用服务业"], "06": ["电力、热力生产和供应业"],
    "07": ["生态保护和环境治理业"], "0708": ["石油和天然气开采业", "煤炭开采和洗选业"],
    "08": ["专用设备制造业", "通用设备制造业"], "0806": ["电气机械和器材制造业"], "0807": ["汽车制造业"],
}

CORPUS_KEYS = frozenset({"id", "title", "abstract", "discipline"})  # what selecting and building a record reads
TRL_WEIGHTS = (1, 3, 8, 12, 14, 14, 10, 6, 3)  # TRL 1..9: most listings sit between 小试 and 中试
COOP_BY_STAGE = {
    "early": (CoopMode.DEVELOPMENT, CoopMode.SERVICE, CoopMode.LICENSE_GENERAL),
    "pilot": (CoopMode.DEVELOPMENT, CoopMode.LICENSE_GENERAL, CoopMode.LICENSE_EXCLUSIVE, CoopMode.TRANSFER,
              CoopMode.USE_FIRST),
    "mature": (CoopMode.TRANSFER, CoopMode.LICENSE_EXCLUSIVE, CoopMode.LICENSE_SOLE, CoopMode.EQUITY,
               CoopMode.USE_FIRST, CoopMode.LICENSE_GENERAL),
}
PRICES = (5, 10, 20, 30, 50, 80, 100, 150, 200, 300, 500)  # 万元
SENTENCE_END = re.compile(r"(?<=[。；;])|(?<=\.)(?!\d)")


def read_corpus(path: str) -> list[dict]:
    """Every record of the gzipped JSON-lines CSL corpus; ValidationError when the file is not one."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
    except (OSError, EOFError, zlib.error, ValueError) as exc:  # BadGzipFile is an OSError, JSON/UTF-8 ValueErrors
        raise ValidationError(f"无法读取语料文件 {path}：应为 gzip 压缩的 JSON Lines 文件（{exc}）。",
                              field="corpus") from exc
    if not all(isinstance(r, dict) and CORPUS_KEYS <= r.keys() for r in records):
        raise ValidationError(f"语料文件 {path} 格式不符：每行应为含 {'、'.join(sorted(CORPUS_KEYS))} 的 JSON 对象。",
                              field="corpus")
    return records


def csl_keywords(record: dict) -> list[str]:
    """A record's keywords as published: the corpus keeps them as a list, each item one keyword.

    Upstream cut a few chemical names at their ", " ("1-氢-3", " 5-二(3-吡啶基)-1", " 2", " 4-三唑"); an
    item that starts with a space is such a remainder and is joined back to the one before it.
    """
    keywords: list[str] = []
    for item in record.get("keywords") or []:
        text = str(item)
        if text[:1].isspace() and keywords:
            keywords[-1] += "," + text.strip()
        elif text.strip():
            keywords.append(text.strip())
    return keywords


def field_for(record: dict) -> str | None:
    """The taxonomy sub-field code of a CSL record, or None when its discipline is not technology."""
    default, rules = DISCIPLINE_FIELDS.get(record.get("discipline"), (None, []))
    text = record["title"] + " ".join(csl_keywords(record))
    return next((code for words, code in rules if any(w in text for w in words)), default)


def select_records(records: list[dict], limit: int, seed: str) -> list[dict]:
    """Pick ``limit`` technology records, round-robin over disciplines so every field is represented."""
    groups = defaultdict(list)
    for record in sorted(records, key=lambda r: r["id"]):
        if field_for(record) and len(record["title"]) <= 200:
            groups[record["discipline"]].append(record)
    rng = random.Random(seed)
    queues = [groups[d] for d in sorted(groups)]
    for queue in queues:
        rng.shuffle(queue)
    picked = []
    while len(picked) < limit and any(queues):
        for queue in queues:
            if queue and len(picked) < limit:
                picked.append(queue.pop())
    return picked


def sentences(text: str, pattern: str, limit: int = 2) -> str | None:
    """The first ``limit`` sentences of ``text`` matching ``pattern``, one per line."""
    found = [s.strip() for s in SENTENCE_END.split(text) if re.search(pattern, s) and len(s.strip()) > 8]
    return "\n".join(found[:limit]) or None


def build_ip_items(rng: random.Random, field_code: str) -> list[IPItem]:
    """Zero to three IP items with well-formed numbers; software copyrights for software fields."""
    items = []
    for position in range(rng.choices((0, 1, 2, 3), weights=(2, 4, 3, 1))[0]):
        year = rng.randint(2012, 2025)
        kind = rng.choices((IPType.INVENTION, IPType.UTILITY, IPType.SOFTWARE), weights=(6, 2, 2))[0]
        if kind == IPType.SOFTWARE and not field_code.startswith(("01", "0503")):
            kind = IPType.INVENTION
        if kind == IPType.SOFTWARE:
            number, status = make_software_copyright_number(rng, year), IPStatus.GRANTED
        else:
            number = make_cn_application_number(rng, year, 1 if kind == IPType.INVENTION else 2)
            status = IPStatus.FILED if kind == IPType.INVENTION and year >= 2023 else IPStatus.GRANTED
        items.append(IPItem(position=position, ip_type=kind, number=number, status=status))
    return items


def build_achievement(record: dict, org: Organization, owner: User, now: datetime) -> Achievement:
    """One plausible achievement listing for a CSL record; the same record always gives the same listing."""
    rng = random.Random(f"matchmaker-demo:{record['id']}")
    field_code = field_for(record)
    trl = rng.choices(range(1, 10), weights=TRL_WEIGHTS)[0]
    stage = "early" if trl <= 4 else "pilot" if trl <= 6 else "mature"
    coop = rng.sample(COOP_BY_STAGE[stage], rng.randint(1, 3))
    price_mode = rng.choices(list(PriceMode), weights=(5, 2, 3))[0]
    status = rng.choices((ListingStatus.PUBLISHED, ListingStatus.PENDING, ListingStatus.DRAFT), weights=(90, 6, 4))[0]
    created = now - timedelta(days=rng.randint(3, 720), minutes=rng.randint(0, 1440))
    return Achievement(
        external_key=record["id"], title=record["title"], summary=record["abstract"],
        keywords=csl_keywords(record), discipline=record["discipline"], field_code=field_code,
        industries=INDUSTRIES.get(field_code) or INDUSTRIES[field_code[:2]], trl=trl,
        coop_modes=[m.value for m in coop], price_mode=price_mode,
        price_amount=Decimal(rng.choice(PRICES)) if price_mode == PriceMode.LISTED else None,
        innovation_points=sentences(record["abstract"], r"提出|建立|研制|设计|开发|构建|首次"),
        key_indicators=sentences(record["abstract"], r"\d.*(%|提高|降低|达到|以上|以下|误差|精度)"),
        team=f"{owner.name}课题组（{rng.randint(3, 15)} 人）", region=org.region, status=status,
        contact_name=owner.name, contact_phone=owner.phone, contact_email=owner.email,
        owner=owner, organization=org, index_state=IndexState.PENDING, ip_items=build_ip_items(rng, field_code),
        created_at=created, updated_at=created,
        submitted_at=created if status != ListingStatus.DRAFT else None,
        published_at=created + timedelta(days=rng.randint(1, 3)) if status == ListingStatus.PUBLISHED else None,
    )
