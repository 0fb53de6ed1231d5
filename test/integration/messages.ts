// Finding the extension's messages wherever the workbench put them: a toast, or (when toasts were
// crowded out, or hidden while a quick pick was open) the notification center.
import { waitFor, type Editor } from './harness';

const CENTER_ITEM = '.notifications-center .notification-list-item';

async function inCenter(editor: Editor, pattern: RegExp): Promise<boolean> {
  const center = editor.page.locator('.notifications-center');
  if (!(await center.isVisible().catch(() => false))) await editor.runCommand('Notifications: Show Notifications');
  const texts = await editor.page.locator(`${CENTER_ITEM} .notification-list-item-message`).allInnerTexts();
  return texts.some((text) => pattern.test(text));
}

/** Waits for a message matching pattern; returns its text. */
export async function waitForMessage(editor: Editor, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  try {
    return await editor.waitForNotification(pattern, timeoutMs / 2);
  } catch {
    await waitFor(`a notification matching ${pattern} in the notification center`, async () => ((await inCenter(editor, pattern)) ? true : undefined), timeoutMs / 2);
    const texts = await editor.page.locator(`${CENTER_ITEM} .notification-list-item-message`).allInnerTexts();
    return texts.find((text) => pattern.test(text)) ?? '';
  }
}

/** Clicks a button of the message matching pattern, in a toast or in the notification center. */
export async function clickMessageButton(editor: Editor, pattern: RegExp, label: string, timeoutMs = 30_000): Promise<void> {
  try {
    await editor.clickNotificationButton(pattern, label, timeoutMs / 2);
    return;
  } catch {
    await waitFor(`a notification matching ${pattern} in the notification center`, async () => ((await inCenter(editor, pattern)) ? true : undefined), timeoutMs / 2);
    for (const item of await editor.page.locator(CENTER_ITEM).all()) {
      const text = await item.locator('.notification-list-item-message').innerText();
      if (!pattern.test(text)) continue;
      await item.hover();
      await item.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).first().click();
      return;
    }
    throw new Error(`no '${label}' button on a notification matching ${pattern}`);
  }
}
