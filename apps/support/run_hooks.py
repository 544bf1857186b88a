"""What support does when its runs finish: findings from the analysis (then the draft starts), text from the reply."""

from __future__ import annotations

from apps.support.models import ReplyDraft, Ticket
from apps.support.services import analysis_apply, reply_draft_finish
from core.models import Run
from core.run_hooks import on_run_done


@on_run_done("defect_analysis")
def defect_analysis_done(run: Run) -> None:
    ticket = Ticket.objects.select_related("product", "team").filter(analysis_run=run).first()
    if ticket is None:
        return  # asked through the generic API: there is no ticket to fill
    if not isinstance(run.result, dict):
        raise ValueError("the analysis has no findings")
    analysis_apply(ticket=ticket, result=run.result)


@on_run_done("support_reply")
def support_reply_done(run: Run) -> None:
    draft = ReplyDraft.objects.select_related("ticket").filter(run=run).first()
    if draft is not None:
        reply_draft_finish(draft=draft, run=run)
