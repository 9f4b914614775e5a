"""A bulk import run as a background job: the uploaded file, its progress and its per-row report."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_column, utcnow
from .enums import ImportState


class ImportJob(Base):
    """One file imported into one organization. Rows are staged in short transactions (STAGED listings
    carrying this job's id), published together in one short final step, then indexed and matched in
    chunks; a job whose process died is resumed from its stored file (``flask worker``'s resume_imports)."""

    __tablename__ = "import_job"

    ACTIVE = (ImportState.QUEUED, ImportState.READING, ImportState.PUBLISHING, ImportState.INDEXING)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # "achievements" or "needs"
    filename: Mapped[str] = mapped_column(sa.String(255))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    state: Mapped[ImportState] = enum_column(ImportState, default=ImportState.QUEUED, index=True)
    message: Mapped[str | None] = mapped_column(sa.Text)  # why it failed
    rows_total: Mapped[int] = mapped_column(default=0)  # data rows in the file
    rows_read: Mapped[int] = mapped_column(default=0)  # rows validated so far
    rejected: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    to_review: Mapped[int] = mapped_column(default=0)
    to_index: Mapped[int] = mapped_column(default=0)
    indexed: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    organization = relationship("Organization")
    actor = relationship("User")

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


class ImportRowError(Base):
    """One problem of one row of an import (a row may have several)."""

    __tablename__ = "import_row_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("import_job.id", ondelete="CASCADE"), index=True)
    row: Mapped[int]
    column: Mapped[str] = mapped_column(sa.String(60))
    message: Mapped[str] = mapped_column(sa.Text)


class ImportFile(Base):
    """The uploaded file of a job, kept until its rows are published (a resumed job reads it again). A table of
    its own: SQLite rewrites a whole row on every update, and the job's row is updated after every chunk."""

    __tablename__ = "import_file"

    job_id: Mapped[int] = mapped_column(sa.ForeignKey("import_job.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
