"""`ally lsp` driven end to end by a real LSP client (pytest-lsp on pygls), on real files:
open, an edit with an error, its diagnostic, the fix clearing it, completion, hover, go to
definition, references, symbols, semantic tokens and formatting.

Run: ALLY_BIN=.build/debug/ally python3 -m pytest Tests/LSP -q
"""
import os
import pathlib
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ALLY = os.path.abspath(os.environ.get("ALLY_BIN", ".build/debug/ally"))
FOLDER = pathlib.Path(tempfile.mkdtemp(prefix="ally-lsp-"))
(FOLDER / "data.ally").write_text(
    'partner harbor { name: "Harbor Point", kind: hospital }\n'
    'partner medtech { name: "MedTech", kind: vendor }\n'
)
REPORT = (
    'load "data.ally"\n'
    "# live agreements\n"
    "metric hospitals = partners | where kind == hospital | count\n"
    "let big = partners|where fit_score>3\n"
    "big | take 5\n"
)
REPORT_PATH = FOLDER / "report.ally"
REPORT_PATH.write_text(REPORT)
URI = REPORT_PATH.as_uri()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[ALLY, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=FOLDER.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def open_report(client: LanguageClient, text: str = REPORT):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="ally", version=1, text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def change_report(client: LanguageClient, text: str, version: int):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


def at(line: int, character: int):
    return dict(text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=line, character=character))


@pytest.mark.asyncio
async def test_an_error_is_reported_and_cleared(client: LanguageClient):
    await open_report(client)
    assert list(client.diagnostics[URI]) == []
    await change_report(client, REPORT.replace("kind == hospital", "kind = hospital"), 2)
    [diagnostic] = client.diagnostics[URI]
    assert diagnostic.code == "E0103"
    assert diagnostic.range.start == types.Position(line=2, character=41)
    assert "==" in diagnostic.related_information[0].message
    await change_report(client, REPORT.replace("kind == hospital", "kind == hospitl"), 3)
    [diagnostic] = client.diagnostics[URI]
    assert diagnostic.code == "E0202"
    await change_report(client, REPORT, 4)
    assert list(client.diagnostics[URI]) == []


@pytest.mark.asyncio
async def test_completion_offers_enum_cases_stages_and_loaded_ids(client: LanguageClient):
    text = REPORT + "partners | where kind == hos\npartners | so\nhar\n"
    await open_report(client, text)
    def labels(result):
        items = result.items if hasattr(result, "items") else result
        return {item.label for item in items}
    assert "hospital" in labels(await client.text_document_completion_async(types.CompletionParams(**at(5, 28))))
    assert "sort" in labels(await client.text_document_completion_async(types.CompletionParams(**at(6, 13))))
    assert "harbor" in labels(await client.text_document_completion_async(types.CompletionParams(**at(7, 3))))


@pytest.mark.asyncio
async def test_hover_shows_fields_enums_and_definitions(client: LanguageClient):
    await open_report(client)
    field = await client.text_document_hover_async(types.HoverParams(**at(2, 36)))
    assert "partner.kind" in field.contents.value and "hospital" in field.contents.value
    binding = await client.text_document_hover_async(types.HoverParams(**at(4, 1)))
    assert "let `big`" in binding.contents.value and "fit_score" in binding.contents.value


@pytest.mark.asyncio
async def test_definition_references_and_symbols(client: LanguageClient):
    await open_report(client, REPORT + "harbor\n")
    [definition] = [await client.text_document_definition_async(types.DefinitionParams(**at(4, 1)))]
    assert definition.uri == URI and definition.range.start == types.Position(line=3, character=4)
    loaded = await client.text_document_definition_async(types.DefinitionParams(**at(5, 2)))
    assert loaded.uri.endswith("data.ally") and loaded.range.start == types.Position(line=0, character=8)
    references = await client.text_document_references_async(types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True), **at(3, 5)))
    assert sorted(r.range.start.line for r in references) == [3, 4]
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=URI)))
    assert [(s.name, s.detail) for s in symbols] == [("hospitals", "metric"), ("big", "let")]


@pytest.mark.asyncio
async def test_formatting_and_semantic_tokens(client: LanguageClient):
    await open_report(client)
    [edit] = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=URI), options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert "let big = partners | where fit_score > 3\n" in edit.new_text
    assert "# live agreements\n" in edit.new_text
    tokens = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(
        text_document=types.TextDocumentIdentifier(uri=URI)))
    data = tokens.data
    assert len(data) % 5 == 0 and len(data) > 40
    # The first token is `load`, a keyword (type 0); the comment on line 2 is type 6.
    assert list(data[:5]) == [0, 0, 4, 0, 0]
    assert 6 in data[3::5]
