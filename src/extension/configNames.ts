/**
 * The JSON file names MCP hosts keep servers in (core/hosts/locations.ts's rows, ~/.claude.json,
 * settings and workspace files): an opened file with such a name loads the diagnostics' code, which
 * then decides by the file's place and content. Kept here, with no imports, for the activation
 * bundle. Codex's TOML and Goose's YAML get no diagnostics yet (their entries carry no JSON tree to
 * put a range on): `doctor` and the view list their servers.
 */
export const CONFIG_NAME = /(?:^|[\\/])(?:\.?mcp|mcp_config|mcp-config|mcp_settings|cline_mcp_settings|claude_desktop_config|\.claude|settings|opencode)\.jsonc?$|[\\/]\.?amazonq[\\/](?:[^\\/]+[\\/])*[^\\/]+\.json$|\.code-workspace$/i;
