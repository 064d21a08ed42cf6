"""Koordinace's data model: SQLModel tables, the database session, reference data.

Only this package defines tables; only ``models.db`` creates engines and sessions.
"""

from models import base as _base  # noqa: F401  (naming convention before any table)
from models.tables import (
    Activity,
    ApiToken,
    AuditEvent,
    District,
    DistrictGoal,
    ImportFile,
    ImportRun,
    Project,
    ProjectUpdate,
    RejectedRecord,
    Tool,
    ToolAlias,
    ToolUsage,
    UserAccount,
)

__all__ = [
    "Activity",
    "ApiToken",
    "AuditEvent",
    "District",
    "DistrictGoal",
    "ImportFile",
    "ImportRun",
    "Project",
    "ProjectUpdate",
    "RejectedRecord",
    "Tool",
    "ToolAlias",
    "ToolUsage",
    "UserAccount",
]
