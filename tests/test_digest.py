"""The morning digest: a page per unit and the summary, written and mailed to a local SMTP
server the test starts (never a real address); a refused address is retried, reported per
unit and makes the command fail, the other units still get theirs."""
from __future__ import annotations

import email
import socket
from datetime import date
from pathlib import Path

import pytest

from metrics.store import auth, db
from metrics.cli import main
from tests.test_due import window_db  # noqa: F401 (the fixture)


class Inbox:
    """aiosmtpd handler: keeps the messages; refuses the recipients in `refuse`."""

    def __init__(self, refuse=()):
        self.messages: list[email.message.Message] = []
        self.refuse = set(refuse)
        self.tries: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.tries[address] = self.tries.get(address, 0) + 1
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = []

    def start(refuse=()):
        inbox = Inbox(refuse)
        c = Controller(inbox, hostname="127.0.0.1", port=port)
        c.start()
        started.append(c)
        return inbox, port

    yield start
    for c in started:
        c.stop()


def mail_setup(window_db, monkeypatch, port: int, with_tuphap: bool = False) -> None:
    """Unit accounts with e-mail addresses (Phước Hưng, and Tư pháp if asked) and the mail
    settings pointing at the test server."""
    con = db.connect(window_db)
    try:
        auth.add_user(con, "phuochung", "unit", "mat-khau-xa-ph-1", "21961", email="phuochung@tuyphuoc.example")
        if with_tuphap:
            auth.add_user(con, "tuphap", "unit", "mat-khau-tu-phap-1", "TP", email="tuphap@tuyphuoc.example")
    finally:
        con.close()
    monkeypatch.setenv("REFORM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REFORM_SMTP_PORT", str(port))
    monkeypatch.setenv("REFORM_SMTP_SENDER", "cchc@tuyphuoc.example")
    monkeypatch.setenv("REFORM_DIGEST_OFFICE", "vanphong@tuyphuoc.example")


def test_the_digest_is_written_and_mailed(window_db, smtp, tmp_path, monkeypatch, capsys):  # noqa: F811
    inbox, port = smtp(refuse={"tuphap@tuyphuoc.example"})
    mail_setup(window_db, monkeypatch, port, with_tuphap=True)
    out = tmp_path / "digest"
    code = main(["digest", "--as-of", "2022-08-31", "--out", str(out), "--send", "--attempts", "2", "--pause", "0",
                 "--db", str(window_db)])
    printed = capsys.readouterr()
    # one page per unit with dossiers due soon or overdue (Phước Hưng, Tư pháp) and the summary
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["sap-den-han_2022-08-31_21961.xlsx",
                                                          "sap-den-han_2022-08-31_TP.xlsx",
                                                          "sap-den-han_2022-08-31_tong-hop.xlsx"]
    assert len(list(out.glob("*.pdf"))) == 3
    # Tư pháp's address is refused: tried twice, reported, the command fails; the others are sent
    assert code == 3
    assert inbox.tries["tuphap@tuyphuoc.example"] == 2
    assert "✗ TP: failed → tuphap@tuyphuoc.example (2 lần thử / attempts)" in printed.out
    got = {m["To"]: m for m in inbox.messages}
    assert set(got) == {"phuochung@tuyphuoc.example", "vanphong@tuyphuoc.example"}
    unit_mail = got["phuochung@tuyphuoc.example"]
    names = sorted(part.get_filename() for part in unit_mail.walk() if part.get_filename())
    assert names == ["sap-den-han_2022-08-31_21961.pdf", "sap-den-han_2022-08-31_21961.xlsx"]
    body = next(p for p in unit_mail.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
    assert "5 hồ sơ sắp đến hạn (trong đó 2 hồ sơ hạn hôm nay) và 2 hồ sơ đã quá hạn" in body.decode("utf-8")
    office = got["vanphong@tuyphuoc.example"].as_string()
    assert "sap-den-han_2022-08-31_tong-hop.xlsx" in office
    # the log keeps each delivery
    log = (out / "digest_log_2022-08-31.csv").read_text(encoding="utf-8-sig").splitlines()
    assert log[0] == "unit,to,status,attempts,error"
    assert any(line.startswith("TP,tuphap@tuyphuoc.example,failed,2,") for line in log)
    assert any(line.startswith("21961,phuochung@tuyphuoc.example,sent,1,") for line in log)


def test_the_digest_workbook_lists_the_unit_s_dossiers(window_db, tmp_path, capsys):  # noqa: F811
    import openpyxl

    assert main(["digest", "--as-of", "2022-08-31", "--out", str(tmp_path), "--db", str(window_db)]) == 0
    wb = openpyxl.load_workbook(tmp_path / "sap-den-han_2022-08-31_21961.xlsx")
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    codes = [r[1] for r in rows[1:]]
    # Phước Hưng's part of the hand-worked list, in the same order
    assert codes == ["P7", "P6", "P1", "P2", "P3", "P10", "P4"]
    assert not Path(tmp_path / "digest_log_2022-08-31.csv").exists()          # nothing sent, nothing logged


def test_send_without_a_server_says_so(window_db, tmp_path, monkeypatch, capsys):  # noqa: F811
    monkeypatch.delenv("REFORM_SMTP_HOST", raising=False)
    assert main(["digest", "--out", str(tmp_path), "--send", "--db", str(window_db)]) == 2
    assert "REFORM_SMTP_HOST" in capsys.readouterr().err


def test_the_store_is_free_while_mail_is_sent(window_db, smtp, tmp_path, monkeypatch):  # noqa: F811
    # a slow mail server (retries, timeouts) must not hold the database: the dashboard reads
    # it meanwhile. Each message's arrival checks that another process can open the store now.
    import subprocess
    import sys

    inbox, port = smtp()
    opened: list[int] = []
    real = inbox.handle_DATA

    async def check_then_accept(server, session, envelope):
        p = subprocess.run([sys.executable, "-c", "import sys; from metrics.store import db; "
                            "db.connect(sys.argv[1], wait=0).close()", str(window_db)],
                           cwd=Path(__file__).resolve().parent.parent, capture_output=True, timeout=60)
        opened.append(p.returncode)
        return await real(server, session, envelope)

    inbox.handle_DATA = check_then_accept
    mail_setup(window_db, monkeypatch, port)
    main(["digest", "--as-of", "2022-08-31", "--out", str(tmp_path / "d"), "--send", "--pause", "0",
          "--db", str(window_db)])
    assert opened and all(code == 0 for code in opened), opened


def test_a_digest_pdf_says_what_it_leaves_out(window_db, monkeypatch):  # noqa: F811
    """A unit's page prints so many dossiers; the rest are said, and are in the workbook beside
    it (the page stopped at its cap without a word)."""
    from io import BytesIO

    from pypdf import PdfReader

    from metrics.rules import digest
    from metrics.rules.due import due_list

    con = db.connect(window_db)
    try:
        dl = due_list(con, date(2022, 8, 31))
    finally:
        con.close()
    rows = len([r for r in dl.rows if r["unit_code"] == "21961"])
    assert rows == 7                                  # 5 due soon, 2 overdue (test above)

    def text(unit, lang):
        pdf = digest.unit_pdf(dl, unit, "T", lang)
        return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)
    assert "hồ sơ nữa" not in text("21961", "vi")
    monkeypatch.setattr(digest, "PDF_ROWS_UNIT", 3)
    assert "… và 4 hồ sơ nữa, không in ở đây: danh sách đầy đủ trong tệp Excel đi kèm." in text("21961", "vi")
    assert "… and 4 more dossiers, not printed here" in text("21961", "en")


def test_every_account_of_a_unit_gets_its_list_once(window_db, smtp, tmp_path, monkeypatch, capsys):  # noqa: F811
    """Three accounts of Phước Hưng with an e-mail each: one message to all (the first account
    alone had it). One address refused: the others have it, once, and the run says so."""
    inbox, port = smtp(refuse={"phochutich@tuyphuoc.example"})
    mail_setup(window_db, monkeypatch, port)
    con = db.connect(window_db)
    try:
        auth.add_user(con, "phochutich", "unit", "mat-khau-xa-ph-2", "21961", email="phochutich@tuyphuoc.example")
        auth.add_user(con, "vanthu", "unit", "mat-khau-xa-ph-3", "21961", email="vanthu@tuyphuoc.example")
    finally:
        con.close()
    code = main(["digest", "--as-of", "2022-08-31", "--out", str(tmp_path / "d"), "--send", "--attempts", "3",
                 "--pause", "0", "--db", str(window_db)])
    unit_mails = [m for m in inbox.messages if "Phước Hưng" in str(email.header.make_header(
        email.header.decode_header(m["Subject"])))]
    assert len(unit_mails) == 1
    assert {a.strip() for a in unit_mails[0]["To"].split(",")} == {
        "phuochung@tuyphuoc.example", "phochutich@tuyphuoc.example", "vanthu@tuyphuoc.example"}
    # the refused address tried again alone (three attempts): the others are not sent it twice
    assert inbox.tries["phuochung@tuyphuoc.example"] == inbox.tries["vanthu@tuyphuoc.example"] == 1
    assert inbox.tries["phochutich@tuyphuoc.example"] == 3
    assert code == 3                                  # not everyone has it: the run fails, said
    assert "✗ 21961: partial" in capsys.readouterr().out


def test_an_address_a_mail_header_would_misread_is_refused_when_set(window_db):  # noqa: F811
    # one message goes to all of a unit's accounts: an address with Vietnamese letters (most
    # servers refuse it) or a colon (the list would read as a group) would take the others' with it
    from metrics.errors import InputError

    con = db.connect(window_db)
    try:
        for bad in ("phước@tuyphuoc.example", "a:b@tuyphuoc.example", "a(b)@tuyphuoc.example"):
            with pytest.raises(InputError):
                auth.add_user(con, "x", "unit", "mat-khau-xa-ph-9", "21961", email=bad)
        auth.add_user(con, "a1", "unit", "mat-khau-xa-ph-9", "21961", email="VanThu@tuyphuoc.example")
        auth.add_user(con, "a2", "unit", "mat-khau-xa-ph-9", "21961", email="vanthu@tuyphuoc.example")
        from metrics.rules.digest import SmtpSettings, unit_addresses
        from metrics.model.profile import load_profile

        settings = SmtpSettings(host="h", port=25, sender="s@x.vn")
        assert unit_addresses(con, load_profile(), settings)["21961"] == "VanThu@tuyphuoc.example"
    finally:
        con.close()
