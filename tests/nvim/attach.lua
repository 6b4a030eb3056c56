-- Attaches `prodlint server` to the file named by PRODLINT_FILE, waits for
-- its diagnostics and writes them, one per line, to PRODLINT_OUT.
-- Written for Neovim 0.7 and later (Debian's), so it uses start_client.
local bin = os.getenv("PRODLINT")
local file = os.getenv("PRODLINT_FILE")
local out_path = os.getenv("PRODLINT_OUT")

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "prodlint",
  cmd = { bin, "server" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
})
vim.lsp.buf_attach_client(buf, client_id)

local received = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)

local lines = {}
if not received then
  table.insert(lines, "no diagnostics received")
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(lines, string.format("%s %d:%d-%d:%d severity=%d source=%s",
    tostring(d.code), d.lnum, d.col, d.end_lnum, d.end_col, d.severity, tostring(d.source)))
end
table.sort(lines)

-- A clean shutdown: the client sends shutdown and exit.
vim.lsp.stop_client(client_id)
vim.wait(5000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 50)
table.insert(lines, "stopped=" .. tostring(vim.lsp.get_client_by_id(client_id) == nil))

local f = assert(io.open(out_path, "w"))
f:write(table.concat(lines, "\n") .. "\n")
f:close()
vim.cmd("qa!")
