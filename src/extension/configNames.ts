/**
 * The file names MCP hosts keep servers in (core/fix/locations.ts's rows, ~/.claude.json, settings
 * and workspace files): an opened file with such a name loads the diagnostics' code, which then
 * decides by the file's place and content. Kept here, with no imports, for the activation bundle.
 */
export const CONFIG_NAME = /(?:^|[\\/])(?:\.?mcp|mcp_config|mcp_settings|cline_mcp_settings|claude_desktop_config|\.claude|settings)\.json$|\.code-workspace$/i;
