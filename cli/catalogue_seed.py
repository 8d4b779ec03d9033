"""The shipped demo catalogue present in every scenario run and in the demo (scenarios/README.md)."""

from __future__ import annotations

from sqlmodel import Session

from domain.vocab import InstitutionStatus, Level
from store.catalogue import add_institutions, add_projects

# 004 attachment 1: the institutions of the Jiyuan work plan.
DEMO_INSTITUTIONS = ("济源职业技术学院", "济源技师学院", "济源市劳动就业培训中心", "济源市机械高级技工学校")
DEMO_OCCUPATIONS = (
    "焊工",
    "电工",
    "钳工",
    "车工",
    "家政服务员",
    "养老护理员",
    "育婴员",
    "中式烹调师",
    "电子商务师",
)


def seed_demo_catalogue(session: Session) -> None:
    """Add the demo institutions (all active) and publish every demo occupation at every level."""
    add_institutions(session, [(name, InstitutionStatus.ACTIVE) for name in DEMO_INSTITUTIONS])
    add_projects(session, [(occupation, level.value) for occupation in DEMO_OCCUPATIONS for level in Level])
