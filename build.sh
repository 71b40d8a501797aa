#!/usr/bin/env bash
# Sluice's bootstrapper, in NUKE's manner: find or install the .NET SDK, build the build project when what it depends
# on changed (quietly, incrementally), then run it with the arguments. A warm run skips MSBuild entirely.
#
# One script serves this repository and every repository made by `dotnet new sluice` (the template packs this very
# file), so it assumes no layout beyond the build project at build/_build.csproj:
# - The build assembly is wherever MSBuild puts it: its TargetPath, asked while building and kept in the stamp file.
# - The build is stale when something it is built from is newer than the stamp: the build project's folder, the
#   folders of the projects it references (read from its project.assets.json), nuget.config, global.json and
#   Directory.*.props/targets at the root, any path listed in .nuke/build.watch, or a restore that resolved other
#   package versions (project.assets.json rewritten). A service's own sources are none of these.
set -eo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" >/dev/null && pwd)
BUILD_PROJECT_FILE="$SCRIPT_DIR/build/_build.csproj"
TEMP_DIRECTORY="$SCRIPT_DIR/.nuke/temp"
STAMP_FILE="$TEMP_DIRECTORY/build.stamp"
ASSETS_SEEN_FILE="$TEMP_DIRECTORY/build.assets"
WATCH_LIST_FILE="$SCRIPT_DIR/.nuke/build.watch"
DOTNET_GLOBAL_FILE="$SCRIPT_DIR/global.json"
DOTNET_INSTALL_URL="https://dot.net/v1/dotnet-install.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_MULTILEVEL_LOOKUP=0

wanted_sdk() {
    # The "version" of global.json's "sdk" object, without a JSON tool.
    [[ -f "$DOTNET_GLOBAL_FILE" ]] || return 0
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

# The stamp's lines, written after each build: the assembly, the assets file, then the folders and files to watch.
read_stamp() {
    BUILD_ASSEMBLY=""; ASSETS_FILE=""; WATCHED=()
    [[ -f "$STAMP_FILE" ]] || return 0
    local key value
    while IFS='=' read -r key value; do
        case "$key" in
            assembly) BUILD_ASSEMBLY=$value ;;
            assets) ASSETS_FILE=$value ;;
            watch) WATCHED+=("$value") ;;
        esac
    done < "$STAMP_FILE"
}

needs_build() {
    read_stamp
    [[ -n "$BUILD_ASSEMBLY" && -f "$BUILD_ASSEMBLY" ]] || return 0
    # A restore since the last build (new package versions) rewrote the assets file.
    [[ -n "$ASSETS_FILE" && -f "$ASSETS_FILE" && ! "$ASSETS_FILE" -nt "$ASSETS_SEEN_FILE" ]] || return 0
    local file
    for file in "$SCRIPT_DIR"/nuget.config "$SCRIPT_DIR"/NuGet.Config "$SCRIPT_DIR"/NuGet.config "$DOTNET_GLOBAL_FILE" \
        "$SCRIPT_DIR"/Directory.*.props "$SCRIPT_DIR"/Directory.*.targets "$WATCH_LIST_FILE"; do
        [[ -e "$file" && "$file" -nt "$STAMP_FILE" ]] && return 0
    done
    local newer
    newer=$(find "${WATCHED[@]}" \
        \( -name bin -o -name obj \) -prune -o \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -iname 'nuget.config' -o -name 'global.json' \) \
        -newer "$STAMP_FILE" -print -quit 2>/dev/null)
    [[ -n "$newer" ]]
}

# Writes the stamp from what MSBuild said about the build just made (-getProperty's JSON on stdout).
write_stamp() {
    local properties=$1 assembly assets project_dir line
    assembly=$(sed -n 's/.*"TargetPath"[[:space:]]*:[[:space:]]*"\(.*\)".*/\1/p' "$properties")
    assets=$(sed -n 's/.*"ProjectAssetsFile"[[:space:]]*:[[:space:]]*"\(.*\)".*/\1/p' "$properties")
    project_dir=$(dirname "$BUILD_PROJECT_FILE")
    {
        echo "assembly=$assembly"
        echo "assets=$assets"
        echo "watch=$project_dir"
        # Project references, relative to the build project's folder, as NuGet recorded them.
        sed -n 's/.*"msbuildProject"[[:space:]]*:[[:space:]]*"\(.*\)".*/\1/p' "$assets" | while read -r line; do
            echo "watch=$(cd "$project_dir" && cd "$(dirname "$line")" && pwd)"
        done
        if [[ -f "$WATCH_LIST_FILE" ]]; then
            while read -r line; do
                [[ -z "$line" || "$line" == \#* ]] || echo "watch=$SCRIPT_DIR/$line"
            done < "$WATCH_LIST_FILE"
        fi
    } > "$STAMP_FILE.next"
    touch -r "$assets" "$ASSETS_SEEN_FILE"
}

find_dotnet
if needs_build; then
    mkdir -p "$TEMP_DIRECTORY"
    # The stamp's time is taken before the build, so a change made while it runs is seen next time.
    touch "$STAMP_FILE.time"
    if ! "$DOTNET_EXE" build "$BUILD_PROJECT_FILE" -t:Build -nologo -v quiet -clp:NoSummary -p:TreatWarningsAsErrors=true \
        -getProperty:TargetPath -getProperty:ProjectAssetsFile >"$TEMP_DIRECTORY/build.properties" 2>"$TEMP_DIRECTORY/build.log"; then
        cat "$TEMP_DIRECTORY/build.properties" "$TEMP_DIRECTORY/build.log" >&2
        echo "error: the build project did not compile (log: .nuke/temp/build.log)" >&2
        exit 1
    fi
    write_stamp "$TEMP_DIRECTORY/build.properties"
    touch -r "$STAMP_FILE.time" "$STAMP_FILE.next"
    mv "$STAMP_FILE.next" "$STAMP_FILE"
    read_stamp
fi

exec "$DOTNET_EXE" "$BUILD_ASSEMBLY" "$@"
