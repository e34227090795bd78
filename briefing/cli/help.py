"""Help as a user reads it: metavars in words, no Python types, summaries never cut off.

typer derives the help from the annotations: `<list[str]>`, `{source}`, `<int range>`,
`[x>=1]`, and click cuts each command's summary in the command list at 45 characters. The
command classes here write the usage, the options and the command list themselves:

    Usage: briefing weekly [OPTIONS] INPUTS...
      --concurrency N    Model calls at once …
      --lang en|zh|both  Language of the rendered brief.  [default: en]

A value's metavar is the option's own (`metavar=`), else its choices, else its name in
capitals. Every command gets them through `app.command(cls=Command)` and `Typer(cls=Group)`.
"""

from __future__ import annotations

import enum
from typing import Any

from typer._click import Context, HelpFormatter
from typer._click.core import Parameter
from typer._click.formatting import join_options
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# Shown on every command: -v and -vv are accepted after the command too (see Group).
VERBOSE_HELP = (
    "-v, --verbose",
    "Log what briefing does to stderr (-vv: the HTTP requests too; secrets masked).",
)


def metavar(param: Parameter) -> str:
    """The word a value stands for in the help: `FILE`, `N`, `en|zh|both`, `INPUTS...`."""
    desc = getattr(param, "type_descriptor", None)
    if param.metavar is not None:
        name = param.metavar
    elif desc is not None and desc.is_choice and desc.choices:
        name = "|".join(str(c.value if isinstance(c, enum.Enum) else c) for c in desc.choices)
    else:
        name = (param.name or "value").upper()
    return name + ("..." if param.nargs != 1 else "")


def _default(param: TyperOption, ctx: Context) -> str | None:
    """The default as a user would type it, when the option shows one."""
    if not param.show_default or param.is_flag or param.count:
        return None
    if isinstance(param.show_default, str):
        return param.show_default
    value: Any = param.default
    if value is None or callable(value):
        return None
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def help_record(param: Parameter, ctx: Context) -> tuple[str, str] | None:
    """One row of the Arguments or Options list."""
    if getattr(param, "hidden", False):
        return None
    text = getattr(param, "help", None) or ""
    if isinstance(param, TyperArgument):
        return metavar(param), text
    if not isinstance(param, TyperOption):
        return None
    names = join_options(param.opts)[0]
    if param.secondary_opts:
        names += " / " + join_options(param.secondary_opts)[0]
    if not param.is_flag and not param.count:
        names += " " + metavar(param)
    extra = []
    default = _default(param, ctx)
    if default is not None:
        extra.append(f"default: {default}")
    if param.required:
        extra.append("required")
    if extra:
        text = f"{text}  [{'; '.join(extra)}]" if text else f"[{'; '.join(extra)}]"
    return names, text


def summary(command: Any) -> str:
    """A command's summary in a command list: the first paragraph of its help, whole."""
    if command.short_help:
        return str(command.short_help)
    text = (command.help or "").strip()
    return " ".join(text.split("\n\n", 1)[0].split())


class Command(TyperCommand):
    """A command whose help shows words, not Python types."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = metavar(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            row = help_record(param, ctx)
            if row is not None:
                (args if isinstance(param, TyperArgument) else opts).append(row)
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        help_row = opts.pop() if opts and "--help" in opts[-1][0] else None
        opts.append(VERBOSE_HELP)
        if help_row:
            opts.append(help_row)
        with formatter.section("Options"):
            formatter.write_dl(opts)

    def get_short_help_str(self, limit: int = 45) -> str:
        return summary(self)


class Group(TyperGroup):
    """A command group: its list shows whole summaries; `-v` is accepted after a command.

    `briefing weekly … -v` means `briefing -v weekly …`: the tokens `-v`, `-vv`, `--verbose`
    anywhere before a `--` are moved in front of the command, where the group reads them.
    """

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = hoist_verbose(args)
        return super().parse_args(ctx, args)

    def get_short_help_str(self, limit: int = 45) -> str:
        return summary(self)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, summary(cmd)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = [r for p in self.get_params(ctx) if (r := help_record(p, ctx)) is not None]
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        self.format_commands(ctx, formatter)


def _is_verbose(token: str) -> bool:
    return token == "--verbose" or (len(token) > 1 and token[0] == "-" and set(token[1:]) == {"v"})


def hoist_verbose(args: list[str]) -> list[str]:
    """`args` with every -v, -vv and --verbose (before a `--`) moved to the front."""
    end = args.index("--") if "--" in args else len(args)
    verbose = [a for a in args[:end] if _is_verbose(a)]
    rest = [a for a in args[:end] if not _is_verbose(a)]
    return verbose + rest + args[end:]
