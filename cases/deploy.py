"""Deploying a process owner's set of files as the next version, after every check has passed.

A candidate is a directory: ``processes/*.bpmn``, ``decisions/*.dmn``, optional ``forms/*.json``
(the shipped forms otherwise), ``policy.yaml`` and optional ``calendar.yaml``. It is refused,
with a report naming the file and element or the scenario, when an XML file does not parse safely
(no DTD, no entity expansion, no network), an expression is outside the closed language
(``bpmn/model_lint.py``), the lint finds something (``bpmn/lint.py``), SpiffWorkflow cannot parse
it, or a scenario of the suite fails on it. Otherwise it becomes the next version; running cases
stay on theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from lxml import etree
from sqlmodel import Session

from bpmn.deployment import FORMS_DIR, assemble, content_hash, form_files
from bpmn.engine import deploy
from bpmn.lint import lint_models
from bpmn.model_lint import ModelExpressionRefused, check_model_expressions
from cases.wiring import OperatorFileError, load_operator_calendar, load_operator_policy
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store import deployments
from store.deployments import DeploymentVersion

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
PROJECT = Path(__file__).resolve().parents[1]
SHIPPED_SCENARIOS = PROJECT / "tests" / "scenarios"
CONTRACT_SCENARIOS = PROJECT.parent / "shared" / "scenarios"

# A scenario check: the scenario file played on the candidate → None when it passed, else why not.
ScenarioCheck = Callable[["Candidate", Path], str | None]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason the candidate is refused: where (file and element, or scenario) and what."""

    where: str
    what: str


@dataclass
class Candidate:
    """The files of a candidate deployment, read from its directory."""

    directory: Path
    files: dict[str, bytes]
    policy: Policy
    calendar: BusinessCalendar

    @property
    def id(self) -> str:
        """The content hash the candidate would be deployed under."""
        return content_hash(self.files.items())


@dataclass
class DeployReport:
    """What a deploy found, and the version it stored (None: refused or a dry run)."""

    candidate_id: str | None
    problems: list[Problem] = field(default_factory=list)
    scenarios: list[tuple[str, str | None]] = field(default_factory=list)  # (scenario, None or why it failed)
    stored: DeploymentVersion | None = None

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return not self.problems


class CandidateUnreadable(ValueError):
    """A candidate directory that does not hold a deployment (the message says what is missing)."""


def _xml(path: Path, name: str) -> bytes:
    body = path.read_bytes()
    try:
        tree = etree.fromstring(body, _SAFE_XML).getroottree()
    except etree.XMLSyntaxError as bad:
        raise CandidateUnreadable(f"{name}: 不是合法的 XML（{bad}）") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise CandidateUnreadable(f"{name}: 含有 DOCTYPE/实体声明，出于安全原因拒绝（请从建模器重新导出）")
    return body


def read_candidate(directory: Path, effective_from: date | None = None) -> Candidate:
    """The candidate's files, policy and calendar (CandidateUnreadable naming the file otherwise).

    ``effective_from`` (``--effective-from``) replaces the policy's own: the version's period is the
    policy's, so the deployment's hash covers its dates.
    """
    if not directory.is_dir():
        raise CandidateUnreadable(f"{directory}: 不是目录")
    models: dict[str, bytes] = {}
    for pattern in ("processes/*.bpmn", "decisions/*.dmn"):
        for path in sorted(directory.glob(pattern)):
            name = str(path.relative_to(directory))
            models[name] = _xml(path, name)
    if not any(name.endswith(".bpmn") for name in models):
        raise CandidateUnreadable(f"{directory}: 没有流程模型（应有 processes/*.bpmn）")
    forms = {
        f"{FORMS_DIR}{path.name}": path.read_bytes() for path in sorted(directory.glob("forms/*.json"))
    } or form_files()
    if not (directory / "policy.yaml").is_file():
        raise CandidateUnreadable(f"{directory}: 没有策略文件 policy.yaml（部署须固定全部策略参数）")
    try:
        policy = load_operator_policy(str(directory / "policy.yaml"))
        calendar_path = directory / "calendar.yaml"
        calendar = load_operator_calendar(str(calendar_path) if calendar_path.is_file() else None)
    except OperatorFileError as bad:
        raise CandidateUnreadable(str(bad)) from None
    if effective_from is not None:
        policy = policy.model_copy(update={"effective_from": effective_from})
    if policy.effective_until is not None and policy.effective_until < policy.effective_from:
        raise CandidateUnreadable(
            f"生效期有误：起始日 {policy.effective_from.isoformat()} 晚于截止日 "
            f"{policy.effective_until.isoformat()}（policy.yaml effective_until）"
        )
    files = assemble(policy, calendar, models=models, forms=forms)
    return Candidate(directory, files, policy, calendar)


def scenario_files(candidate: Candidate) -> list[Path]:
    """The suite a candidate must pass: the shipped scenarios, the contract's examples, the owner's own."""
    found = sorted(SHIPPED_SCENARIOS.glob("*.yaml"))
    for examples in sorted(CONTRACT_SCENARIOS.glob("examples*")):
        found += sorted(examples.glob("*.yaml"))
    return found + sorted(candidate.directory.glob("scenarios/*.yaml"))


def check_models(candidate: Candidate) -> list[Problem]:
    """The closed language, the lint and SpiffWorkflow's own parse: every problem, naming the element."""
    try:
        check_model_expressions(candidate.files)
    except ModelExpressionRefused as refused:
        return [Problem(f"{refused.file} 的元素 {refused.element_id}", str(refused))]
    problems = [Problem(f"{f.file} 的元素 {f.element_id}", f.message) for f in lint_models(candidate.files)]
    if not problems:
        try:
            deploy(candidate.files)
        except Exception as failed:  # SpiffWorkflow's validation: any parse error refuses the candidate
            problems.append(Problem("模型解析", f"{type(failed).__name__}: {failed}"))
    return problems


def check_candidate(
    candidate: Candidate,
    suite: Sequence[Path],
    play: ScenarioCheck,
    progress: Callable[[Path], None] = lambda _path: None,
) -> DeployReport:
    """Every check of a candidate, the scenarios only once the models passed."""
    report = DeployReport(candidate.id, check_models(candidate))
    if report.problems:
        return report
    for path in suite:
        try:
            failed = play(candidate, path)
        except Exception as crash:  # a scenario the candidate cannot play at all: it fails, naming it
            failed = f"运行出错：{type(crash).__name__}: {crash}"
        report.scenarios.append((str(path), failed))
        if failed is not None:
            report.problems.append(Problem(f"场景 {path.name}", failed))
        progress(path)
    return report


def store_candidate(
    session: Session, candidate: Candidate, *, by: str, reason: str, at: datetime
) -> DeploymentVersion:
    """Store a checked candidate as the next version, in force over its policy's period."""
    policy = candidate.policy
    return deployments.add_version(
        session, candidate.id, candidate.files, policy.model_dump(mode="json"),
        by=by, reason=reason, effective=(policy.effective_from, policy.effective_until), at=at,
    )  # fmt: skip
