"""JSON endpoints for the broker queue: list, read, change state, add a note."""
from flask import current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from models import Match

from . import bp
from ..errors import DomainError, ValidationError
from ..listings.serialize import iso_utc
from ..matches.queue import QueueFilter, queue_query
from ..matches.services import add_note, allowed_moves, change_state, get_match
from ..params import paginate
from ..security import STAFF, role_required


class UnsupportedMediaType(DomainError):
    status_code = 415


class MalformedBody(DomainError):
    status_code = 400


def json_object() -> dict:
    """The request's JSON body as a dict ({} when empty); 415 unless sent as JSON, 400 when it does not parse,
    422 for arrays, strings, numbers and null."""
    if not request.get_data(cache=True).strip():
        return {}
    if not request.is_json:
        raise UnsupportedMediaType("请以 application/json 提交")
    try:
        body = request.get_json()
    except BadRequest:  # truncated, not JSON at all, or not UTF-8: never read it as an empty body
        raise MalformedBody("请求体不是有效的 JSON") from None
    except RecursionError:  # nested deeper than the parser's stack
        raise MalformedBody(f"请求体嵌套过深（最多 {MAX_DEPTH} 层）") from None
    if not isinstance(body, dict):
        raise ValidationError("请求体必须是 JSON 对象")
    check_json_values(body)
    return body


MAX_DEPTH = 16  # nesting of a JSON body; ours are flat objects


def check_json_values(value, depth: int = 1) -> None:
    """400 for a body nested deeper than MAX_DEPTH or holding a string no database can store (a lone UTF-16
    surrogate such as "\\ud800", which JSON allows and UTF-8 cannot encode)."""
    if depth > MAX_DEPTH:
        raise MalformedBody(f"请求体嵌套过深（最多 {MAX_DEPTH} 层）")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedBody("请求体含有无效的 Unicode 字符（孤立的代理项）") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json_values(key, depth)
            check_json_values(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json_values(item, depth + 1)


def match_json(match: Match, full: bool = False) -> dict:
    """The public fields of a match (no contacts); ``full`` adds parts, moves and history."""
    data = {
        "id": match.id, "score": round(match.score, 1), "state": match.state.value, "state_label": match.state.label,
        "origin": match.origin.value, "broker_id": match.broker_id,
        "need": {"id": match.need_id, "title": match.need.title, "field_code": match.need.field_code,
                 "region": match.need.region},
        "achievement": {"id": match.achievement_id, "title": match.achievement.title,
                        "field_code": match.achievement.field_code, "region": match.achievement.region},
        "shared_terms": (match.explanation or {}).get("shared_terms", []),
        "created_at": iso_utc(match.created_at),
    }
    if full:
        data["score_parts"] = match.score_parts
        data["decline_reason"] = match.decline_reason.value if match.decline_reason else None
        data["allowed_moves"] = [s.value for s in allowed_moves(current_user, match)]
        data["events"] = [{"kind": e.kind, "from": e.from_state.value if e.from_state else None,
                           "to": e.to_state.value if e.to_state else None, "detail": e.detail,
                           "actor_id": e.actor_id, "at": iso_utc(e.created_at)} for e in match.events]
    return data


@bp.get("/matches")
@role_required(*STAFF)
def list_matches():
    f = QueueFilter.from_args(request.args, current_user)
    page = paginate(queue_query(current_user, f), current_app.config["PER_PAGE"])
    return jsonify(items=[match_json(m) for m in page.items], page=page.page, pages=page.pages, total=page.total)


@bp.get("/matches/<int:match_id>")
@role_required(*STAFF)
def read_match(match_id: int):
    return jsonify(match_json(get_match(match_id), full=True))


@bp.post("/matches/<int:match_id>/state")
@role_required(*STAFF)
def set_match_state(match_id: int):
    body = json_object()
    match = change_state(get_match(match_id), body.get("state"), current_user, body.get("reason"), body.get("note"))
    return jsonify(match_json(match, full=True))


@bp.post("/matches/<int:match_id>/notes")
@role_required(*STAFF)
def add_match_note(match_id: int):
    body = json_object()
    note = add_note(get_match(match_id), current_user, body.get("body", ""))
    return jsonify(id=note.id, body=note.body, created_at=iso_utc(note.created_at)), 201
