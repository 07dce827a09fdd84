-- Drives Neovim's own LSP client against `ally lsp`, in a Neovim started with nothing but the
-- README's configuration as its init.lua (Tests/LSP/run-editor-setups writes it). The file
-- open is report.ally, which has one error on its third line. Each step logs `ok NAME` or
-- `FAIL NAME: why` to $ALLY_NVIM_LOG; the first failure ends Neovim with exit status 1.
local log = assert(io.open(os.getenv("ALLY_NVIM_LOG"), "w"))
local buf = vim.api.nvim_get_current_buf()

local function fail(name, why)
  log:write("FAIL " .. name .. ": " .. why .. "\n")
  log:close()
  vim.cmd("cquit 1")
end

local function step(name, ok, why)
  if not ok then fail(name, why) end
  log:write("ok " .. name .. "\n")
  log:flush()
end

local function wait(ms, condition) return vim.wait(ms, condition, 20) end

step("filetype from the README's vim.filetype.add", vim.bo[buf].filetype == "ally", "filetype is `" .. vim.bo[buf].filetype .. "`")
step("the client started by vim.lsp.enable", wait(10000, function() return #vim.lsp.get_clients({ bufnr = buf, name = "ally" }) > 0 end),
  "no `ally` client attached to the buffer")

-- The error on open: `hostpital`, an unknown enum case (E0202), on line 3.
step("diagnostic on open", wait(10000, function() return #vim.diagnostic.get(buf) > 0 end), "no diagnostic arrived")
local diagnostic = vim.diagnostic.get(buf)[1]
step("its code and place", diagnostic.code == "E0202" and diagnostic.lnum == 2 and diagnostic.col == 25,
  vim.inspect({ diagnostic.code, diagnostic.lnum, diagnostic.col, diagnostic.message }))

-- The fix, typed into the buffer: the client sends the change, the diagnostic goes away.
vim.api.nvim_buf_set_lines(buf, 2, 3, false, { "partners | where kind == hospital" })
step("fixed, the diagnostic is cleared", wait(10000, function() return #vim.diagnostic.get(buf) == 0 end),
  vim.inspect(vim.diagnostic.get(buf)))

-- Completion of a stage name at the end of a line being typed.
vim.api.nvim_buf_set_lines(buf, -1, -1, false, { "partners | so" })
local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_win_set_cursor(0, { last, 13 })
local answers = vim.lsp.buf_request_sync(buf, "textDocument/completion", vim.lsp.util.make_position_params(0, "utf-16"), 10000) or {}
local labels = {}
for _, answer in pairs(answers) do
  for _, item in ipairs((answer.result or {}).items or answer.result or {}) do labels[item.label] = true end
end
step("completion offers `sort`", labels["sort"] == true, vim.inspect(vim.tbl_keys(labels)))
vim.api.nvim_buf_set_lines(buf, last - 1, last, false, {})

-- Hover on `kind` (line 3): Neovim shows the field catalog's entry in a floating window.
vim.api.nvim_win_set_cursor(0, { 3, 18 })
vim.lsp.buf.hover()
local hover_text
step("hover opens a float", wait(10000, function()
  for _, window in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(window).relative ~= "" then
      hover_text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(window), 0, -1, false), "\n")
      return true
    end
  end
  return false
end), "no floating window")
step("hover shows the field", hover_text:find("partner.kind", 1, true) ~= nil and hover_text:find("hospital", 1, true) ~= nil, hover_text)
for _, window in ipairs(vim.api.nvim_list_wins()) do
  if vim.api.nvim_win_get_config(window).relative ~= "" then vim.api.nvim_win_close(window, true) end
end

-- Go to definition: `big` on line 4 jumps to its `let` on line 2.
vim.api.nvim_win_set_cursor(0, { 4, 1 })
vim.lsp.buf.definition()
step("definition jumps to the let", wait(10000, function()
  local cursor = vim.api.nvim_win_get_cursor(0)
  return cursor[1] == 2 and cursor[2] == 4
end), vim.inspect(vim.api.nvim_win_get_cursor(0)))

-- Formatting: `ally fmt`'s layout, applied to the buffer.
vim.lsp.buf.format({ async = false, timeout_ms = 10000 })
local formatted = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
step("format spaces the pipeline", formatted == "let big = partners | where fit_score > 3", formatted)

log:close()
vim.cmd("qall!")
