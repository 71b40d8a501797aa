#!/usr/bin/env pwsh
# Sluice's bootstrapper for Windows and PowerShell: find or install the .NET SDK, build the build project when
# its sources changed, then run it with the arguments.
[CmdletBinding()]
Param(
    [Parameter(Position = 0, Mandatory = $false, ValueFromRemainingArguments = $true)]
    [string[]]$BuildArguments
)

Set-StrictMode -Version 2.0; $ErrorActionPreference = "Stop"; $ConfirmPreference = "None"
$PSScriptRoot = Split-Path $MyInvocation.MyCommand.Path -Parent

$BuildProjectFile = "$PSScriptRoot\build\_build.csproj"
$BuildAssembly = "$PSScriptRoot\artifacts\bin\_build\debug\_build.dll"
$TempDirectory = "$PSScriptRoot\.nuke\temp"
$StampFile = "$TempDirectory\build.stamp"
$DotNetGlobalFile = "$PSScriptRoot\global.json"
$DotNetInstallUrl = "https://dot.net/v1/dotnet-install.ps1"

$env:DOTNET_CLI_TELEMETRY_OPTOUT = 1
$env:DOTNET_NOLOGO = 1
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = 1
$env:DOTNET_MULTILEVEL_LOOKUP = 0

function Find-DotNet {
    if ($env:DOTNET_EXE -and (Test-Path $env:DOTNET_EXE)) { return $env:DOTNET_EXE }
    $onPath = Get-Command "dotnet" -ErrorAction SilentlyContinue
    if ($onPath) {
        Push-Location $PSScriptRoot
        try { & $onPath.Source --version *> $null; if ($LASTEXITCODE -eq 0) { return $onPath.Source } } finally { Pop-Location }
    }
    $installDir = "$TempDirectory\dotnet-win"
    if (Test-Path "$installDir\dotnet.exe") { return "$installDir\dotnet.exe" }
    $version = (Get-Content $DotNetGlobalFile | Out-String | ConvertFrom-Json).sdk.version
    New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
    $script = "$TempDirectory\dotnet-install.ps1"
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
    (New-Object System.Net.WebClient).DownloadFile($DotNetInstallUrl, $script)
    & powershell $script -InstallDir $installDir -Version $version -NoPath
    return "$installDir\dotnet.exe"
}

function Test-NeedsBuild {
    if (-not (Test-Path $BuildAssembly) -or -not (Test-Path $StampFile)) { return $true }
    $stamp = (Get-Item $StampFile).LastWriteTimeUtc
    $inputs = @(Get-ChildItem "$PSScriptRoot\build", "$PSScriptRoot\src" -Recurse -File -Include *.cs, *.csproj, *.props, *.targets |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    $inputs += Get-Item "$PSScriptRoot\Directory.Build.props", "$PSScriptRoot\Directory.Packages.props", $DotNetGlobalFile
    return [bool]($inputs | Where-Object { $_.LastWriteTimeUtc -gt $stamp } | Select-Object -First 1)
}

$DotNet = Find-DotNet
if (Test-NeedsBuild) {
    New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
    $started = Get-Date
    & $DotNet build $BuildProjectFile -nologo -v quiet -clp:NoSummary *> "$TempDirectory\build.log"
    if ($LASTEXITCODE -ne 0) {
        Get-Content "$TempDirectory\build.log" | Write-Error
        Write-Error "error: the build project did not compile (log: .nuke/temp/build.log)"
        exit 1
    }
    New-Item -ItemType File -Path $StampFile -Force | Out-Null
    (Get-Item $StampFile).LastWriteTime = $started
}

& $DotNet $BuildAssembly $BuildArguments
exit $LASTEXITCODE
