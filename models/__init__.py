"""All models, importable from one place: `from models import db, Opd, Tag`."""
from . import quarter_mask  # noqa: F401  (registers the realized_quarters triggers)
from .area import District, Village, VillageDesilCount, VillageYear
from .area_boundary import BOUNDARY_LEVELS, AreaBoundary
from .audit import AuditLog
from .base import ZERO, Base, Money, Percent, db, utcnow
from .budget import SubActivity, Tag, TagVillage
from .convergence import (
    SOURCE_KINDS,
    Framework,
    FrameworkStrategy,
    OtherIntervention,
    StrategyMapping,
    TagTheme,
    Theme,
)
from .data_version import DataVersion
from .evidence import EVIDENCE_TYPES, Evidence
from .federation import (
    FederationBundle,
    FederationExport,
    FederationLokus,
    FederationMatrixRow,
    FederationMember,
    FederationRefusal,
    FederationRow,
)
from .household import (
    BeneficiaryHousehold,
    BeneficiaryList,
    Household,
    HouseholdMember,
    HouseholdSnapshot,
    SnapshotVillageCount,
)
from .import_job import IMPORT_STATUS_LABELS, ImportJob
from .mail import (
    MAIL_STATUS_LABELS,
    MAIL_STATUSES,
    LoginEvent,
    MailOutbox,
    MailPreference,
    PasswordReset,
)
from .notification import NOTIFICATION_KIND_LABELS, NOTIFICATION_KINDS, Notification
from .public import LICENSES, PublicApbdTotal, PublicPortal, PublicPublication
from .realization import Realization, RealizationVillage
from .reference import (
    OPD_KIND_LABELS,
    OPD_KINDS,
    FiscalYear,
    FundingSource,
    Opd,
    PemdaSettings,
    Quarter,
    Strategy,
    TagKind,
)
from .report_build import BUILD_STATUS_LABELS, BUILD_STATUSES, ReportBuild
from .review import STATUS_LABELS, STATUSES, ReviewComment, Submission, SubmissionEvent
from .screening import (  # issue 26
    DECISION_LABELS,
    DECISIONS,
    ProvinceReference,
    ProvinceReferenceRow,
    SuggestionDecision,
)
from .setup_upload import SETUP_KINDS, SetupUpload
from .throttle import THROTTLE_KIND_LABELS, THROTTLE_KINDS, LoginThrottle
from .user import ROLE_LABELS, ROLES, ApiToken, User
from .verval import (  # issue 28
    EXIT_STATUSES,
    VERVAL_STATUS_LABELS,
    VERVAL_STATUSES,
    VervalCampaign,
    VervalRecord,
    VervalVillage,
)

__all__ = [
    "DECISIONS", "DECISION_LABELS", "ProvinceReference", "ProvinceReferenceRow",
    "SuggestionDecision",
    "AreaBoundary", "BOUNDARY_LEVELS",  # issue 27
    "FederationBundle", "FederationExport", "FederationLokus", "FederationMatrixRow",
    "FederationMember", "FederationRefusal", "FederationRow",
    "BeneficiaryHousehold", "BeneficiaryList", "Household", "HouseholdMember",
    "HouseholdSnapshot", "SnapshotVillageCount",
    "SOURCE_KINDS", "Framework", "FrameworkStrategy", "OtherIntervention", "StrategyMapping",
    "TagTheme", "Theme",
    "SETUP_KINDS", "SetupUpload", "OPD_KINDS", "OPD_KIND_LABELS",
    "MAIL_STATUSES", "MAIL_STATUS_LABELS", "LoginEvent", "MailOutbox", "MailPreference",
    "PasswordReset",
    "NOTIFICATION_KINDS", "NOTIFICATION_KIND_LABELS", "Notification", "EVIDENCE_TYPES", "Evidence",
    "BUILD_STATUSES", "BUILD_STATUS_LABELS", "DataVersion", "IMPORT_STATUS_LABELS", "ImportJob",
    "ReportBuild",
    "LICENSES", "PublicApbdTotal", "PublicPortal", "PublicPublication",
    "ROLES", "ROLE_LABELS", "STATUSES", "STATUS_LABELS", "THROTTLE_KINDS",
    "THROTTLE_KIND_LABELS", "ZERO",
    "ApiToken", "AuditLog", "Base", "District", "FiscalYear", "FundingSource", "LoginThrottle",
    "Money", "Opd",
    "PemdaSettings", "Percent", "Quarter", "Realization", "RealizationVillage", "ReviewComment",
    "Strategy", "SubActivity", "Submission", "SubmissionEvent", "Tag", "TagKind", "TagVillage",
    "User", "Village", "VillageDesilCount", "VillageYear", "db", "utcnow",
    "EXIT_STATUSES", "VERVAL_STATUSES", "VERVAL_STATUS_LABELS", "VervalCampaign", "VervalRecord",
    "VervalVillage",
]
