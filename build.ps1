#!/usr/bin/env pwsh
# Sluice's bootstrapper for Windows and PowerShell: find or install the .NET SDK, build the build project when what
# it depends on changed, then run it with the arguments. The same rules as build.sh (read its header), and the same
# stamp file, so either script may follow the other: the assembly is MSBuild's TargetPath, and the build is stale when
# the build project's folder, its project references' folders, nuget.config, global.json, Directory.*.props/targets,
# a path in .nuke/build.watch or a restore (project.assets.json) is newer than the stamp.
[CmdletBinding()]
Param(
    [Parameter(Position = 0, Mandatory = $false, ValueFromRemainingArguments = $true)]
    [string[]]$BuildArguments
)

Set-StrictMode -Version 2.0; $ErrorActionPreference = "Stop"; $ConfirmPreference = "None"
$PSScriptRoot = Split-Path $MyInvocation.MyCommand.Path -Parent

$BuildProjectFile = Join-Path $PSScriptRoot "build/_build.csproj"
$TempDirectory = Join-Path $PSScriptRoot ".nuke/temp"
$StampFile = Join-Path $TempDirectory "build.stamp"
$AssetsSeenFile = Join-Path $TempDirectory "build.assets"
$WatchListFile = Join-Path $PSScriptRoot ".nuke/build.watch"
$DotNetGlobalFile = Join-Path $PSScriptRoot "global.json"
$DotNetInstallUrl = "https://dot.net/v1/dotnet-install.ps1"

$env:DOTNET_CLI_TELEMETRY_OPTOUT = 1
$env:DOTNET_NOLOGO = 1
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = 1
$env:DOTNET_MULTILEVEL_LOOKUP = 0

function Find-DotNet {
    if ($env:DOTNET_EXE -and (Test-Path $env:DOTNET_EXE)) { return $env:DOTNET_EXE }
    $onPath = Get-Command "dotnet" -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    $installDir = Join-Path $TempDirectory "dotnet-win"
    if (Test-Path "$installDir\dotnet.exe") { return "$installDir\dotnet.exe" }
    $version = $null
    if (Test-Path $DotNetGlobalFile) { $version = (Get-Content $DotNetGlobalFile | Out-String | ConvertFrom-Json).sdk.version }
    New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
    $script = Join-Path $TempDirectory "dotnet-install.ps1"
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
    try { (New-Object System.Net.WebClient).DownloadFile($DotNetInstallUrl, $script) }
    catch { Write-Error "error SLU002: could not download the .NET installer; install the .NET SDK and put dotnet on PATH"; exit 2 }
    if ($version) { & powershell $script -InstallDir $installDir -Version $version -NoPath }
    else { & powershell $script -InstallDir $installDir -Channel STS -NoPath }
    return "$installDir\dotnet.exe"
}

function Read-Stamp {
    $stamp = @{ Assembly = $null; Assets = $null; Watched = @() }
    if (-not (Test-Path $StampFile)) { return $stamp }
    foreach ($line in Get-Content $StampFile) {
        $key, $value = $line -split '=', 2
        switch ($key) {
            "assembly" { $stamp.Assembly = $value }
            "assets" { $stamp.Assets = $value }
            "watch" { $stamp.Watched += $value }
        }
    }
    return $stamp
}

function Test-NeedsBuild($stamp) {
    if (-not $stamp.Assembly -or -not (Test-Path $stamp.Assembly)) { return $true }
    if (-not $stamp.Assets -or -not (Test-Path $stamp.Assets) -or -not (Test-Path $AssetsSeenFile)) { return $true }
    if ((Get-Item $stamp.Assets).LastWriteTimeUtc -gt (Get-Item $AssetsSeenFile).LastWriteTimeUtc) { return $true }
    $since = (Get-Item $StampFile).LastWriteTimeUtc
    $inputs = @(Get-ChildItem $PSScriptRoot -File | Where-Object {
        $_.Name -ieq "nuget.config" -or $_.Name -eq "global.json" -or $_.Name -like "Directory.*.props" -or $_.Name -like "Directory.*.targets" })
    if (Test-Path $WatchListFile) { $inputs += Get-Item $WatchListFile }
    foreach ($path in $stamp.Watched | Where-Object { Test-Path $_ }) {
        $inputs += @(Get-ChildItem $path -Recurse -File -Include *.cs, *.csproj, *.props, *.targets, nuget.config, global.json |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    }
    return [bool]($inputs | Where-Object { $_.LastWriteTimeUtc -gt $since } | Select-Object -First 1)
}

function Write-Stamp($propertiesJson, $started) {
    $properties = ($propertiesJson | Out-String | ConvertFrom-Json).Properties
    $projectDir = Split-Path $BuildProjectFile -Parent
    $lines = @("assembly=$($properties.TargetPath)", "assets=$($properties.ProjectAssetsFile)", "watch=$projectDir")
    # Project references, relative to the build project's folder, as NuGet recorded them.
    $assets = Get-Content $properties.ProjectAssetsFile | Out-String | ConvertFrom-Json
    foreach ($library in $assets.libraries.PSObject.Properties.Value | Where-Object { $_.type -eq "project" }) {
        $lines += "watch=" + (Split-Path ([IO.Path]::GetFullPath((Join-Path $projectDir $library.msbuildProject))) -Parent)
    }
    if (Test-Path $WatchListFile) {
        foreach ($line in Get-Content $WatchListFile | Where-Object { $_ -and -not $_.StartsWith("#") }) {
            $lines += "watch=" + (Join-Path $PSScriptRoot $line)
        }
    }
    Set-Content -Path $StampFile -Value $lines
    (Get-Item $StampFile).LastWriteTimeUtc = $started
    New-Item -ItemType File -Path $AssetsSeenFile -Force | Out-Null
    # One tick later than the assets file: .NET keeps times to 100 ns, a Unix file system to 1 ns, and build.sh must not
    # find the assets file newer than this copy of its time.
    (Get-Item $AssetsSeenFile).LastWriteTimeUtc = (Get-Item $properties.ProjectAssetsFile).LastWriteTimeUtc.AddTicks(1)
}

$DotNet = Find-DotNet
$stamp = Read-Stamp
if (Test-NeedsBuild $stamp) {
    New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
    # The stamp's time is taken before the build, so a change made while it runs is seen next time.
    $started = (Get-Date).ToUniversalTime()
    $propertiesJson = & $DotNet build $BuildProjectFile -t:Build -nologo -v quiet -clp:NoSummary -p:TreatWarningsAsErrors=true `
        -getProperty:TargetPath -getProperty:ProjectAssetsFile 2> (Join-Path $TempDirectory "build.log")
    if ($LASTEXITCODE -ne 0) {
        $propertiesJson | Write-Host
        Get-Content (Join-Path $TempDirectory "build.log") | Write-Host
        Write-Error "error: the build project did not compile (log: .nuke/temp/build.log)"
        exit 1
    }
    Write-Stamp $propertiesJson $started
    $stamp = Read-Stamp
}

& $DotNet $stamp.Assembly $BuildArguments
exit $LASTEXITCODE
