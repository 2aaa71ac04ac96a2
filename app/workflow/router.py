"""HTTP for the ticket's life: one endpoint per action, POST /tickets/{number}/{action}.

Each answers the ticket as it is afterwards, with its version as the ETag; send that back
as If-Match and an action taken on a ticket someone changed meanwhile is refused (412)."""

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth.dependencies import PrincipalDep
from app.categories import service as categories
from app.categories.models import Category
from app.config import Settings
from app.dependencies import ResourcesDep, SessionDep
from app.errors import problem_responses
from app.identity.principal import Principal
from app.resources import Resources
from app.sla.catalogue import SLA
from app.tickets.etags import etag, version_from_if_match
from app.tickets.schemas import TicketDetail
from app.tickets.service import UnitChoice
from app.workflow import schemas, views
from app.workflow import service as workflow
from app.workflow.machine import RULES, Action
from app.workflow.route import ActionRequest, action_route

router = APIRouter(prefix="/tickets", tags=["workflow"])

RESPONSES = problem_responses(
    (403, "Your role or unit has no part in this action on this ticket"),
    (404, "No such ticket, or not one you may see"),
    (
        409,
        "The ticket's state does not allow the action (the answer names the actions "
        "that it does allow), dispatch or close of a ticket without a category, or "
        "another action changed it at the same moment",
    ),
    (412, "If-Match names an older version of the ticket"),
    (422, "Invalid body, unknown unit or category code, or a malformed If-Match"),
)

Perform = Callable[[workflow.Act, Any, Settings], None]


def _units(act: workflow.Act, body: schemas.UnitsBody) -> UnitChoice:
    return UnitChoice.of_codes(
        act.session, body.lead.kind, body.lead.code, body.assist_department_codes
    )


def _category(act: workflow.Act, code: str | None) -> Category | None:
    return categories.filing_category(act.session, code) if code is not None else None


ACTIONS: list[tuple[Action, type[BaseModel], str, Perform]] = [
    (
        Action.DISPATCH,
        schemas.DispatchBody,
        "Dispatch to a lead unit, with assisting departments (paidan)",
        lambda act, body, _: workflow.dispatch(
            act, _units(act, body), body.note, _category(act, body.category_code)
        ),
    ),
    (
        Action.SIGN,
        schemas.NoteBody,
        "Sign for the ticket: the unit has it in hand (qianshou)",
        lambda act, body, _: workflow.sign(act, body.note),
    ),
    (
        Action.RETURN,
        schemas.ReasonBody,
        "Send it back as not this unit's, within the return window (tuidan)",
        lambda act, body, _: workflow.return_ticket(act, body.reason),
    ),
    (
        Action.TRANSFER,
        schemas.TransferBody,
        "Transfer to another unit (zhuanban)",
        lambda act, body, _: workflow.transfer(act, _units(act, body), body.reason),
    ),
    (
        Action.ESCALATE,
        schemas.ReasonBody,
        "Escalate to the level above; departments and streets to the district office",
        lambda act, body, settings: workflow.escalate(
            act, body.reason, settings.escalation_department
        ),
    ),
    (
        Action.JOINT_HANDLING,
        schemas.JointHandlingBody,
        "Joint handling: a lead unit and assisting departments (chuishao baodao)",
        lambda act, body, _: workflow.joint_handling(act, _units(act, body), body.reason),
    ),
    (
        Action.REPLY,
        schemas.ReplyBody,
        "Reply and finish (banjie): stops the citizen's reply clock",
        lambda act, body, _: workflow.reply(
            act,
            body.reply,
            workflow.Evidence(body.photos, body.files),
            photos_public=body.photos_public,
            files_public=body.files_public,
        ),
    ),
    (
        Action.RETURN_VISIT,
        schemas.ReturnVisitBody,
        "Record the return visit and the citizen's evaluation (huifang)",
        lambda act, body, _: workflow.return_visit(
            act,
            body.satisfaction,
            body.solved,
            body.note,
            workflow.Evidence(body.photos, body.files),
        ),
    ),
    (
        Action.CLOSE,
        schemas.NoteBody,
        "Close (jiean); without a return visit only with a note saying why",
        lambda act, body, _: workflow.close(act, body.note),
    ),
    (
        Action.REOPEN,
        schemas.ReasonBody,
        "Send back for handling again (fahui chongban): a new cycle with new clocks",
        lambda act, body, _: workflow.reopen(act, body.reason),
    ),
    (
        Action.REQUEST_EXTENSION,
        schemas.ExtensionRequestBody,
        "Ask for more working days, before the deadline (yanqi)",
        lambda act, body, _: workflow.request_extension(act, body.working_days, body.reason),
    ),
    (
        Action.DECIDE_EXTENSION,
        schemas.ExtensionDecisionBody,
        "Approve or reject the pending extension request",
        lambda act, body, _: workflow.decide_extension(act, body.approve, body.note),
    ),
    (
        Action.SUSPEND,
        schemas.ReasonBody,
        "Suspend (guaqi): the clocks stop, keeping the time they had left",
        lambda act, body, _: workflow.suspend(act, body.reason),
    ),
    (
        Action.RESUME,
        schemas.NoteBody,
        "Resume: the clocks run again with the time they had left",
        lambda act, body, _: workflow.resume(act, body.note),
    ),
    (
        Action.URGE,
        schemas.NoteRequired,
        "Urge the unit (cuiban)",
        lambda act, body, _: workflow.urge(act, body.note),
    ),
    (
        Action.SUPERVISE,
        schemas.NoteRequired,
        "Put the ticket under supervision (duban)",
        lambda act, body, _: workflow.supervise(act, body.note),
    ),
    (
        Action.INVALIDATE,
        schemas.InvalidateBody,
        "Mark invalid: harassment, silence, no content (wuxiao)",
        lambda act, body, _: workflow.invalidate(act, body.reason, body.note),
    ),
    (
        Action.ANSWER_AT_ONCE,
        schemas.AnswerBody,
        "Answered during the call (zhijie banjie): replied without a unit",
        lambda act, body, settings: workflow.answer_at_once(
            act, body.reply, body.kb_article, settings.timezone
        ),
    ),
    (
        Action.NOTES,
        schemas.ProgressNoteBody,
        "Record progress, internal or public, with photos and files; an assisting unit's part done",
        lambda act, body, _: workflow.note(
            act, body.text, body.public, workflow.Evidence(body.photos, body.files), body.part_done
        ),
    ),
]


def _take(
    action: Action,
    perform: Perform,
    request: ActionRequest,
    resources: Resources,
    session: Session,
    principal: Principal,
) -> TicketDetail:
    """The action, in the request's session: the ticket as it is afterwards."""
    ticket = workflow.load(session, request.number, principal)
    workflow.check(action, ticket, principal, version_from_if_match(request.if_match))
    catalogue = resources[SLA].catalogue(session)
    act = workflow.begin(session, ticket, principal, catalogue)
    perform(act, request.body, resources.settings)
    workflow.finish(act, RULES[action].target)
    return views.after_change(session, ticket, principal, catalogue)


def _add_endpoint(
    action: Action, body_model: type[BaseModel], summary: str, perform: Perform
) -> None:
    def take_action(
        number: str,
        body: Annotated[body_model, Body()],  # type: ignore[valid-type]
        resources: ResourcesDep,
        response: Response,
        session: SessionDep,
        principal: PrincipalDep,
        if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    ) -> TicketDetail:
        request = ActionRequest(number, body, if_match)
        detail = _take(action, perform, request, resources, session, principal)
        response.headers["ETag"] = etag(detail.version)
        return detail

    # The operation id: dispatchTicket, signTicket; jointHandling, requestExtension.
    words = action.split("-")
    take_action.__name__ = "_".join(words if len(words) > 1 else [*words, "ticket"])
    router.add_api_route(
        f"/{{number}}/{action}",
        take_action,
        methods=["POST"],
        summary=summary,
        responses=RESPONSES,
        route_class_override=action_route(body_model, partial(_take, action, perform)),
    )


for _action, _body, _summary, _perform in ACTIONS:
    _add_endpoint(_action, _body, _summary, _perform)
