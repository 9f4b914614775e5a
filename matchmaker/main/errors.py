"""App-wide error pages in Chinese, and JSON problems for the API."""
from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from . import bp
from ..errors import DomainError
from ..extensions import db

# status -> (machine code, page title, explanation)
PROBLEMS = {
    400: ("bad_request", "请求无效", "提交的内容无法处理，请检查后重试。"),
    401: ("unauthorized", "需要登录", "请先登录。"),
    403: ("forbidden", "无权访问", "您的账号没有访问该页面的权限。"),
    404: ("not_found", "页面不存在", "您访问的页面不存在或已被删除。"),
    405: ("method_not_allowed", "请求方式不允许", "该页面不支持此请求方式。"),
    409: ("conflict", "操作冲突", "该操作与当前状态冲突。"),
    413: ("payload_too_large", "文件过大", "上传的内容超过了大小上限，请拆分成几个较小的文件后分批上传。"),
    415: ("unsupported_media_type", "内容格式不支持", "请以 application/json 提交。"),
    422: ("validation_error", "内容有误", "提交的内容未通过校验。"),
    429: ("too_many_requests", "操作过于频繁", "请求次数过多，请稍后再试。"),
    500: ("server_error", "服务器开小差了", "服务器内部错误，我们已记录该问题，请稍后再试。"),
}
CSRF_MESSAGE = "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。"


def problem(status: int, message: str | None = None, field: str | None = None):
    """A JSON problem for /api/ paths, the Chinese error page everywhere else."""
    code, title, default = PROBLEMS.get(status, PROBLEMS[400 if status < 500 else 500])
    message = message or default
    if request.path.startswith("/api/"):
        body = {"error": code, "message": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return problem(400, CSRF_MESSAGE)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return problem(error.code)


@bp.app_errorhandler(413)
def too_large(error):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    size = f"{limit / 2**20:g} MB" if limit and limit >= 2**20 else f"{limit} 字节"
    return problem(413, f"上传的内容超过了 {size} 的上限，请拆分成几个较小的文件后分批上传。" if limit else None)


@bp.app_errorhandler(DomainError)
def domain_error(error: DomainError):
    return problem(error.status_code, error.message, error.field)


@bp.app_errorhandler(InternalServerError)
def server_error(error):
    db.session.rollback()
    return problem(500)
