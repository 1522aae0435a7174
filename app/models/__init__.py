"""All tables, imported here so Alembic and ``db.create_all`` see every one."""
from app.models.api_token import ApiToken
from app.models.attachment import Attachment
from app.models.assessment_scheme import AssessmentScheme
from app.models.assessment import AssessmentLine, CollectionAssessment, PerformanceScore
from app.models.audit import AuditChainHead, AuditEvent
from app.models.audit_checkpoint import AuditCheckpoint
from app.models.catalogue import CustomerClass, Material, MaterialClass
from app.models.contract import Contract, ContractAttachment
from app.models.contract_amendment import ContractAmendment
from app.models.customer import Customer, CustomerCredit, CustomerProfile
from app.models.customer_contact import CustomerContact
from app.models.dealer import DealerTerms, RecruitmentHandbook, RecruitmentPublication
from app.models.external_statement import ExternalStatement, ExternalStatementLine
from app.models.expense import EmployeeAdvance, ExpenseClaim, ExpenseClaimLine, Reimbursement
from app.models.expense_budget import ExpenseBudget, ExpenseCharge
from app.models.human_task import HumanTask, TaskStatus
from app.models.task_bar import TaskBar
from app.models.instance_summary import InstanceSummary
from app.models.invoice import INVOICE_TYPES, Invoice, InvoiceLine, Receivable, RevenueRecognition
from app.models.journal import AccountingPeriod, LedgerEntry
from app.models.kept_form import KeptForm
from app.models.login_failure import LoginFailure
from app.models.messaging import MessageSubscription, ProcessMessage, ServiceCall
from app.models.migration_batch import MigrationBatch, MigrationItem
from app.models.numbering import DocumentCounter
from app.models.notification import DailyJob, EmailState, Holiday, Notification, NotificationPreference, ScheduledStart
from app.models.payroll import PayrollAdjustment, PayrollAdjustmentLine, SalesTarget
from app.models.travel import TravelSettlement
from app.models.organisation import Delegation, Level, Region, Role, Staffing, User, user_role
from app.models.posted import Posted, PostedRecordImmutable
from app.models.pricing import PriceAdjustment, PriceItem, PriceList, PriceRule, PricingStrategy
from app.models.price_adjustment_sheet import PriceAdjustmentSheet, PriceAdjustmentSheetLine
from app.models.process import DeployedFile, InstanceStatus, ProcessDefinition, ProcessInstance
from app.models.receipt import Allocation, Receipt
from app.models.receipt_reversal import ReceiptReversal
from app.models.sales_order import CreditOverride, SalesOrder, SalesOrderCancellation, SalesOrderLine
from app.models.settlement import OrderSettlement
from app.models.stock_place import OrgUnit, Warehouse
from app.models.org_member import OrgUnitMember
from app.models.internal_pricing import InternalCustomer, InternalPriceRule
from app.models.transfer_order import TransferIn, TransferInLine, TransferOrder, TransferOrderLine
from app.models.internal_settlement import InternalInvoice, InternalSettlement, InternalSettlementLine
from app.models.stock_loan import StockLoan, StockLoanEvent, StockLoanLine, StockLoanMovement
from app.models.shipping import ShippingLine, ShippingNote, SignedReceipt, SignedReceiptLine, StockMovement
from app.models.role_grant import RoleChange, RoleGrant
from app.models.sod_refusal import SodRefusal
from app.models.sales_return import ReturnInspection, ReturnReceipt, SalesReturn, SalesReturnLine
from app.models.sales_fact import SalesFactDaily, SalesFactMonthly
from app.models.sales_plan import SalesPlan, SalesPlanLine
from app.models.monthly_plan import MonthlyPlan, MonthlyPlanLine
from app.models.service_case import ServiceCase, ServiceCharge, ServiceResolution
from app.models.campaign import (Campaign, CampaignDispatch, CampaignEvaluation, CampaignResult, CampaignTarget,
                                 CampaignTask, SpecialListEntry)
from app.models.presales import PresalesCost, PresalesKnowledge, PresalesProject, PresalesVersion
from app.models.studio_draft import StudioDraft
from app.models.studio_publish_request import StudioPublishRequest
from app.models.studio_scenario import StudioScenario
from app.models.studio_file_draft import StudioFileDraft
from app.models.studio_draft_history import StudioDraftHistory
from app.models.studio_presence import StudioPresence
from app.models.studio_draft_file import StudioDraftFile
from app.models.incident_retry import IncidentRetry, IncidentRetryItem
from app.models.correction_request import CorrectionRequest
from app.models.step_summary import CycleDuration, StepCount, StepDuration
from app.models.step_visit import StepVisit
from app.models.saved_view import SavedView

__all__ = [
    "StockLoan", "StockLoanEvent", "StockLoanLine", "StockLoanMovement",
    "ExternalStatement", "ExternalStatementLine",
    "AssessmentLine", "AssessmentScheme", "Attachment", "CollectionAssessment", "Contract", "ContractAmendment", "ContractAttachment", "DocumentCounter",
    "PriceAdjustmentSheet", "PriceAdjustmentSheetLine", "ReceiptReversal", "EmployeeAdvance", "ExpenseBudget", "ExpenseCharge", "ExpenseClaim",
    "ExpenseClaimLine", "PerformanceScore", "PriceAdjustment", "Reimbursement", "RevenueRecognition",
    "AccountingPeriod", "Allocation", "ApiToken", "AuditChainHead", "AuditCheckpoint", "AuditEvent", "CreditOverride", "Customer", "CustomerClass",
    "INVOICE_TYPES", "CustomerCredit", "CustomerProfile", "DealerTerms", "OrderSettlement", "RecruitmentHandbook", "RecruitmentPublication", "Delegation", "DeployedFile", "EmailState", "Holiday", "Notification", "NotificationPreference", "HumanTask", "TaskBar", "InstanceStatus", "Invoice", "InvoiceLine", "KeptForm",
    "LedgerEntry", "Level", "LoginFailure", "Material", "MaterialClass", "MessageSubscription", "Posted", "PostedRecordImmutable",
    "PriceItem", "PriceList", "PriceRule", "PricingStrategy", "ProcessDefinition", "ProcessInstance", "ProcessMessage", "Receipt", "ScheduledStart",
    "Receivable", "Region", "Role", "SalesOrder", "Staffing", "SalesOrderCancellation", "SalesOrderLine", "ServiceCall", "ShippingLine", "ShippingNote", "SignedReceipt", "SignedReceiptLine",
    "StockMovement", "TaskStatus", "User", "user_role",
    "ReturnInspection", "ReturnReceipt", "SalesReturn", "SalesReturnLine", "CustomerContact",
    "PayrollAdjustment", "PayrollAdjustmentLine", "SalesTarget", "TravelSettlement",
    "InstanceSummary", "DailyJob",
    "RoleChange", "RoleGrant", "SodRefusal",
    "StudioDraft",
    "StudioPublishRequest",
    "StudioScenario",
    "StudioFileDraft",
    "StudioDraftHistory", "StudioPresence",
    "StudioDraftFile",
    "IncidentRetry", "IncidentRetryItem",
    "CorrectionRequest",
    "MigrationBatch", "MigrationItem",
    "StepVisit",
    "StepCount",
    "StepDuration",
    "CycleDuration",
    "SalesFactDaily",
    "SalesFactMonthly",
    "SalesPlan",
    "SalesPlanLine",
    "ServiceCase",
    "ServiceCharge",
    "ServiceResolution",
    "MonthlyPlan",
    "MonthlyPlanLine",
    "SavedView",
    "Campaign", "CampaignDispatch", "CampaignEvaluation", "CampaignResult", "CampaignTarget", "CampaignTask",
    "SpecialListEntry",
    "OrgUnit", "Warehouse",
    "PresalesCost", "PresalesKnowledge", "PresalesProject", "PresalesVersion",
    "OrgUnitMember", "InternalCustomer", "InternalPriceRule", "TransferIn", "TransferInLine", "TransferOrder",
    "TransferOrderLine", "InternalInvoice", "InternalSettlement", "InternalSettlementLine",
]
