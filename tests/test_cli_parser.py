"""The command line. It builds the parser of the command it runs only (cli.build_parser(only)):
every command reads its arguments exactly as the full parser reads them, and a word that is no
command is told with the list of them all. An empty list is said in words."""
from __future__ import annotations

import pytest

from metrics import cli

EXAMPLES = [
    ["import", "a.csv", "b.xlsx", "--kind", "dossiers", "--dry-run", "--db", "x.duckdb"],
    ["kpis", "--period", "2022-08", "--unit", "21985", "--format", "csv"],
    ["due", "--within", "5", "--details"],
    ["users", "add", "an", "--role", "unit", "--unit", "21985", "--password-stdin"],
    ["export", "--period", "2022-08", "--format", "pdf", "--lang", "en"],
    ["undo", "7"],
    ["demo", "--remove"],
]


def test_the_full_parser_names_every_command_once():
    full = cli.build_parser()
    names = list(full._subparsers._group_actions[0].choices)
    assert len(names) == len(set(names)) == 15 and {"import", "kpis", "demo"} <= set(names)
    for name in names:                             # each builds its own parser alone
        assert list(cli.build_parser(name)._subparsers._group_actions[0].choices) == [name]
    assert list(cli.build_parser("kpiz")._subparsers._group_actions[0].choices) == names


@pytest.mark.parametrize("argv", EXAMPLES, ids=lambda a: a[0])
def test_a_command_reads_its_arguments_as_the_full_parser_does(argv):
    assert vars(cli.build_parser(argv[0]).parse_args(argv)) == vars(cli.build_parser().parse_args(argv))


def test_help_and_mistakes_still_name_every_command(capsys):
    for argv in (["--help"], ["kpiz"], ["kpis", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
    out = capsys.readouterr()
    assert "demo" in out.out.splitlines()[1]                  # the top-level help lists them all
    assert "invalid choice: 'kpiz'" in out.err and "'export'" in out.err
    assert "--period PERIOD" in out.out                       # the command's own help


def test_an_empty_list_is_said_in_words(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    for argv in (["users", "list"], ["imports"]):
        assert cli.main([*argv, "--db", store]) == 0
        out = capsys.readouterr().out
        assert out == "Không có dòng nào / nothing to list\n"          # not pandas' "Empty DataFrame"
    assert cli.main(["imports", "--db", store, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("id,file_name,")            # a CSV keeps its header
