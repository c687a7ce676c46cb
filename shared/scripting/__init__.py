"""Script writing: the keyless planner, the language-model writer, and the checks every script passes.

It lives in the runtime, not in the script service, because two processes write or check scripts: the
script stage (a job's script) and the gateway (a quote plans the script synchronously; a storyboard
edit is validated exactly as a new script is).
"""
