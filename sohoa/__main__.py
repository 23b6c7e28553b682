from sohoa.cli import run

run()
