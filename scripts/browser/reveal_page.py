"""Drives the reveal page in headless Chromium, as a phone-sized screen.

Usage: reveal_page.py URL EXPECTED_CODE SCREENSHOT.png
Prints one JSON object: what the page showed before and after the click.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

url, code, screenshot = sys.argv[1:4]
driver = chromium.start()
try:
    driver.get(url)
    result = {
        "codeBeforeClick": code in driver.page_source,
        "dir": driver.execute_script("return document.documentElement.dir"),
        "lang": driver.execute_script("return document.documentElement.lang"),
    }
    WebDriverWait(driver, 15).until(expected_conditions.element_to_be_clickable((By.ID, "show"))).click()
    # The click submits a form: wait for the next page rather than reading the old one.
    shown = WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, "code")))
    result["shownCode"] = shown.text
    result["selectable"] = driver.execute_script("return getComputedStyle(arguments[0]).userSelect", shown)
    driver.find_element(By.ID, "copy").click()
    result["copyHandlerRan"] = driver.execute_script(
        "return navigator.clipboard ? 'clipboard' : 'no-clipboard'"
    )
    result["fitsWidth"] = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    result["text"] = driver.execute_script("return document.body.innerText")
    result["title"] = driver.title
    driver.save_screenshot(screenshot)
    result["consoleErrors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    print(json.dumps(result))
finally:
    driver.quit()
