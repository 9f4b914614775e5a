"""`flask create-admin`: create the platform's first administrator."""
import click
from flask.cli import with_appcontext

from .services import create_admin
from ..errors import Conflict, DomainError


@click.command("create-admin")
@click.option("--email", required=True, help="管理员登录邮箱")
@click.option("--name", required=True, help="管理员姓名")
@click.option("--password", prompt="密码", hide_input=True, confirmation_prompt="再次输入密码",
              help="不提供时交互输入（不回显）")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a platform administrator account."""
    try:
        user = create_admin(email, name, password)
    except Conflict:
        click.echo(f"邮箱 {email} 已注册，未做任何修改。")
        return
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"已创建平台管理员 {user.name} <{user.email}>。")
