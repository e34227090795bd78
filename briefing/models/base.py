"""The base of every contract between stages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Base for every contract: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid")
