#!/usr/bin/env bash
# Sluice's bootstrapper, in NUKE's manner: find or install the .NET SDK, build the build project when its
# sources changed (quietly, incrementally), then run it with the arguments. A warm run skips MSBuild entirely.
set -eo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" >/dev/null && pwd)
BUILD_PROJECT_FILE="$SCRIPT_DIR/build/_build.csproj"
BUILD_ASSEMBLY="$SCRIPT_DIR/artifacts/bin/_build/debug/_build.dll"
TEMP_DIRECTORY="$SCRIPT_DIR/.nuke/temp"
STAMP_FILE="$TEMP_DIRECTORY/build.stamp"
DOTNET_GLOBAL_FILE="$SCRIPT_DIR/global.json"
DOTNET_INSTALL_URL="https://dot.net/v1/dotnet-install.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_MULTILEVEL_LOOKUP=0

wanted_sdk() {
    # The "version" of global.json's "sdk" object, without a JSON tool.
    sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$DOTNET_GLOBAL_FILE" | head -n 1
}

find_dotnet() {
    if [[ -n "${DOTNET_EXE:-}" && -x "${DOTNET_EXE}" ]]; then return; fi
    # A dotnet on PATH is taken as it is: asking it for its version costs a process start on every warm run.
    # If it cannot satisfy global.json, the build step below says so.
    if command -v dotnet >/dev/null 2>&1; then
        DOTNET_EXE=$(command -v dotnet)
        return
    fi
    local install_dir="$TEMP_DIRECTORY/dotnet-unix"
    if [[ -x "$install_dir/dotnet" ]]; then DOTNET_EXE="$install_dir/dotnet"; return; fi
    local version
    version=$(wanted_sdk)
    echo "No suitable .NET SDK found; installing ${version:-the current one} into $install_dir" >&2
    mkdir -p "$TEMP_DIRECTORY"
    local script="$TEMP_DIRECTORY/dotnet-install.sh"
    curl -sSfL "$DOTNET_INSTALL_URL" -o "$script" || {
        echo "error SLU002: could not download the .NET installer; install the .NET ${version:-10} SDK and put dotnet on PATH" >&2
        exit 2
    }
    chmod +x "$script"
    if [[ -n "$version" ]]; then
        "$script" --install-dir "$install_dir" --version "$version" --no-path
    else
        "$script" --install-dir "$install_dir" --channel STS --no-path
    fi
    DOTNET_EXE="$install_dir/dotnet"
}

needs_build() {
    [[ -f "$BUILD_ASSEMBLY" && -f "$STAMP_FILE" ]] || return 0
    # Any source, project or props file newer than the last build makes the build stale.
    local newer
    newer=$(find "$SCRIPT_DIR/build" "$SCRIPT_DIR/src" "$SCRIPT_DIR/Directory.Build.props" "$SCRIPT_DIR/Directory.Packages.props" "$DOTNET_GLOBAL_FILE" \
        \( -name bin -o -name obj \) -prune -o \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name 'global.json' \) \
        -newer "$STAMP_FILE" -print -quit 2>/dev/null)
    [[ -n "$newer" ]]
}

find_dotnet
if needs_build; then
    mkdir -p "$TEMP_DIRECTORY"
    touch "$STAMP_FILE.next"
    if ! "$DOTNET_EXE" build "$BUILD_PROJECT_FILE" -nologo -v quiet -clp:NoSummary -p:TreatWarningsAsErrors=true >"$TEMP_DIRECTORY/build.log" 2>&1; then
        cat "$TEMP_DIRECTORY/build.log" >&2
        echo "error: the build project did not compile (log: .nuke/temp/build.log)" >&2
        exit 1
    fi
    mv "$STAMP_FILE.next" "$STAMP_FILE"
fi

exec "$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
