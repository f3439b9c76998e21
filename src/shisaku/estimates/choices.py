"""Status of an estimate job, with its allowed-transitions table. Pure: testable without a DB."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from shisaku.core.transitions import transition_allowed

__all__ = ["ESTIMATE_TRANSITIONS", "EstimateStatus", "JobStage", "transition_allowed"]


class EstimateStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the estimator")
    RUNNING = "running", _("Being estimated")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobStage(models.TextChoices):
    """Where a running estimate is (reported by the engine as it goes)."""

    QUEUED = "queued", _("Waiting in the queue")
    READING = "reading", _("Checking the file")
    PARSING = "parsing", _("Reading the mesh")
    ANALYSING = "analysing", _("Measuring walls, draft and undercuts")
    COSTING = "costing", _("Costing every process and region")
    DONE = "done", _("Done")


ESTIMATE_TRANSITIONS: Mapping[str, frozenset[str]] = {
    EstimateStatus.QUEUED: frozenset({EstimateStatus.RUNNING, EstimateStatus.FAILED}),
    # a worker that died mid-job leaves "running": the job may be run again
    EstimateStatus.RUNNING: frozenset({EstimateStatus.DONE, EstimateStatus.FAILED,
                                       EstimateStatus.RUNNING}),
    EstimateStatus.DONE: frozenset(),
    EstimateStatus.FAILED: frozenset(),
}
