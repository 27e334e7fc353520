"""Renders an email's HTML part in headless Chromium, as a phone-sized screen, and screenshots it.

Usage: email_render.py MESSAGE.eml SCREENSHOT.png
Prints one JSON object: the headers a reader sees first, what the page shows, and what mail readers
would strip (scripts, external style sheets).
"""
import email
import email.policy
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402

source, screenshot = sys.argv[1:3]
with open(source, "rb") as f:
    message = email.message_from_binary_file(f, policy=email.policy.default)
html_part = message.get_body(preferencelist=("html",))
html = html_part.get_content() if html_part else ""
result = {
    "subject": str(message["Subject"]),
    "fromName": message["From"].addresses[0].display_name if message["From"] else "",
    "hasScript": "<script" in html.lower(),
    "externalStyle": "<link" in html.lower(),
}
with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as page:
    page.write(html)
driver = chromium.start()
try:
    driver.get("file://" + page.name)
    result["dir"] = driver.execute_script("return document.documentElement.dir")
    result["text"] = driver.execute_script("return document.body.innerText")
    result["fitsWidth"] = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    driver.save_screenshot(screenshot)
    print(json.dumps(result, ensure_ascii=False))
finally:
    driver.quit()
    os.unlink(page.name)
