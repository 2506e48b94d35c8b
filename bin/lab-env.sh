# Sourced by ./lab and bin/*.sh: builds the lab on first use (or when sources changed) and sets LAB_CP to
# the pinned runtime classpath, so every tool runs exactly the jars the lab runs.
LAB_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB_CLASSPATH_FILE="$LAB_HOME/infra/target/lab.classpath"
LAB_JAR="$LAB_HOME/infra/target/infra-0.1.0-SNAPSHOT.jar"
LAB_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

lab_needs_build() {
  [[ ! -f "$LAB_CLASSPATH_FILE" || ! -f "$LAB_JAR" ]] && return 0
  [[ -n "$(find "$LAB_HOME" -path "$LAB_HOME/.lab" -prune -o -path '*/src/main/*' -type f -newer "$LAB_CLASSPATH_FILE" -print -quit 2>/dev/null)" ]] && return 0
  [[ -n "$(find "$LAB_HOME" -maxdepth 3 -name pom.xml -newer "$LAB_CLASSPATH_FILE" -print -quit)" ]] && return 0
  return 1
}

if [[ -n "${LAB_CP:-}" ]]; then
  return 0  # a caller (the infra tests) already knows the classpath
fi
lab_running() {
  local pid_file
  for pid_file in "$LAB_HOME"/.lab/run/*.pid; do
    [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null && return 0
  done
  return 1
}

if [[ -f "$LAB_CLASSPATH_FILE" && -f "$LAB_JAR" ]] && lab_needs_build && { [[ -n "${LAB_TOOL:-}" ]] || lab_running; }; then
  # Rebuilding installs new jars over the ones running lab processes (the sink, this command) have open.
  [[ -z "${LAB_TOOL:-}" ]] && echo "lab: sources changed, but the lab is running on the current build; run ./lab down to rebuild" >&2
elif lab_needs_build; then
  echo "lab: building (first use or sources changed) ..." >&2
  (cd "$LAB_HOME" && ./mvnw -B -q -DskipTests -pl infra -am install) >&2
  touch "$LAB_CLASSPATH_FILE"
fi
LAB_CP="$LAB_JAR:$(cat "$LAB_CLASSPATH_FILE")"
