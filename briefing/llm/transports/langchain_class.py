"""The LangChain chat model class: imported by its path, given its keyword arguments.

Both checked before any call, so a wrong path, a missing package or a sampling setting the
class cannot take is a ConfigError that says how to fix it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from briefing.errors import ConfigError
from briefing.llm.transports.langchain_errors import no_structured_output
from briefing.models import Sampling
from briefing.settings.load import LANGCHAIN_CLASS_PATH

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

INSTALL_HINT = "pip install 'briefing[langchain]' and the model's package"


def sampled_options(
    cls: type[BaseChatModel], options: Mapping[str, Any], sampling: Sampling
) -> dict[str, Any]:
    """`options` with each sampling setting that is set, under the class's own option for it.

    The option is the class's field named as the setting, or aliased so (ChatOpenAI's
    `request_timeout` is `timeout`); it replaces the same option given under either name.
    A class without the option is a ConfigError: a brief must not record a setting never sent.
    """
    kwargs = dict(options)
    fields = getattr(cls, "model_fields", {})
    for setting, value in sampling.model_dump(exclude_none=True).items():
        found = [(n, f.alias) for n, f in fields.items() if setting in (n, f.alias)]
        if not found:
            flag = "--" + setting.replace("_", "-")
            raise ConfigError(
                f"{cls.__name__} has no `{setting}` option, so {flag} cannot be applied.",
                f"Run without {flag}, or use a chat model class that takes it.",
            )
        name, alias = found[0]
        for key in (name, alias):
            kwargs.pop(key or "", None)
        kwargs[alias or name] = value  # pydantic takes an aliased field by its alias
    return kwargs


def import_chat_model(path: str) -> type[BaseChatModel]:
    """The chat model class `path` ("package.module:ClassName") names; ConfigError if unusable."""
    if not LANGCHAIN_CLASS_PATH.match(path):
        raise ConfigError(
            f"{path!r} does not name a class.",
            "Write the provider as langchain:package.module:ClassName, "
            "e.g. langchain:langchain_openai:ChatOpenAI.",
        )
    module_name, class_name = path.split(":")
    try:
        from langchain_core.language_models import BaseChatModel
    except ImportError:
        raise ConfigError(
            "LangChain is not installed (langchain-core is missing).", f"{INSTALL_HINT}."
        ) from None
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        missing = exc.name or module_name
        raise ConfigError(
            f"Cannot import {module_name!r} for the LangChain model {class_name}: "
            f"module {missing!r} is missing.",
            f"{INSTALL_HINT} (the one that provides {module_name}, "
            f"e.g. pip install {module_name.split('.')[0].replace('_', '-')}).",
        ) from None
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ConfigError(
            f"Module {module_name!r} has no {class_name!r}.",
            "Check the class name and its module in --provider langchain:package.module:ClassName.",
        )
    if not (isinstance(cls, type) and issubclass(cls, BaseChatModel)):
        raise ConfigError(
            f"{path} is not a LangChain chat model (a BaseChatModel subclass).",
            "Name a chat model class, e.g. langchain:langchain_openai:ChatOpenAI.",
        )
    # The base with_structured_output needs bind_tools; said now rather than at the first call.
    if (
        cls.with_structured_output is BaseChatModel.with_structured_output
        and cls.bind_tools is BaseChatModel.bind_tools
    ):
        raise no_structured_output(class_name)
    return cls
