# Shared by the routekeeper scripts of the LifeKeeper Generic Application resource: where node.exe,
# lk-notify and its settings live, and how each run is logged. Every decision is made by lk-notify (which
# is tested); these scripts only call it and map its exit codes (docs/lifekeeper-windows.md).
#
#   lk-notify exit codes: 0 ok, 1 internal error, 2 usage, 3 no usable key, 4 identity unknown,
#                         5 not delivered in time (retryable), 6 refused for good, 7 selftest failed

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$RoutekeeperHome = if ($env:ROUTEKEEPER_HOME) { $env:ROUTEKEEPER_HOME } else { 'C:\Program Files\routekeeper' }
$RoutekeeperData = if ($env:ROUTEKEEPER_DATA) { $env:ROUTEKEEPER_DATA } else { 'C:\ProgramData\routekeeper' }
$NodeExe = if ($env:ROUTEKEEPER_NODE) { $env:ROUTEKEEPER_NODE } else { Join-Path $RoutekeeperHome 'node.exe' }
$LkNotify = Join-Path $RoutekeeperHome 'lk-notify.cjs'
$LkSettings = Join-Path $RoutekeeperData 'lk-notify.json'
$LkLog = Join-Path $RoutekeeperData 'lk-notify.log'

$LkExit = @{ Ok = 0; Retryable = 5 }

function Write-RoutekeeperLog {
    param([Parameter(Mandatory = $true)][string]$Message)
    $line = '{0} {1}' -f (Get-Date -Format o), $Message
    Add-Content -Path $LkLog -Value $line -Encoding UTF8
}

function Invoke-LkNotify {
    # Runs lk-notify with the node's settings file; logs what it printed (never key material) and returns
    # its exit code.
    param([Parameter(Mandatory = $true)][string[]]$Arguments)
    # Windows PowerShell 5.1 turns a native program's stderr lines into errors; 'Stop' would abort here.
    $ErrorActionPreference = 'Continue'
    $output = & $NodeExe $LkNotify @Arguments --settings $LkSettings 2>&1
    $code = $LASTEXITCODE
    foreach ($line in $output) {
        Write-RoutekeeperLog ('lk-notify: {0}' -f $line)
    }
    Write-RoutekeeperLog ('lk-notify {0} exited {1}' -f ($Arguments -join ' '), $code)
    return $code
}

function Get-RoutekeeperVip {
    # The VIP this resource protects: the -Vip parameter, else the ROUTEKEEPER_VIP machine variable.
    param([string]$Vip)
    if ($Vip) { return $Vip }
    if ($env:ROUTEKEEPER_VIP) { return $env:ROUTEKEEPER_VIP }
    Write-RoutekeeperLog 'no VIP: pass -Vip or set the ROUTEKEEPER_VIP machine environment variable'
    exit 1
}
