"""Settings: read once (flags > environment > config file > provider table), passed down.

`providers` holds one entry per provider; `load` reads the config file and resolves the
settings of one run.
"""

from briefing.settings.config_file import ConfigFile, default_config_path, load_config_file
from briefing.settings.load import LangChainSettings, Settings, check_api_key, resolve_settings
from briefing.settings.providers import PROVIDERS, Price, Provider, StructuredMode

__all__ = [
    "PROVIDERS",
    "ConfigFile",
    "LangChainSettings",
    "Price",
    "Provider",
    "Settings",
    "StructuredMode",
    "check_api_key",
    "default_config_path",
    "load_config_file",
    "resolve_settings",
]
