# Shared by the routekeeper scripts. LifeKeeper runs a Generic Application's scripts from its own copy
# (under $LKROOT), not from where you picked them, so this file is never looked for beside them: it is
# installed with lk-notify.exe in C:\Program Files\routekeeper\ and the scripts load it from there
# (docs/lifekeeper-windows.md, "Where each file goes"). Every decision is lk-notify's (tested); these
# scripts only call it and map its exit codes.
#
#   lk-notify exit codes: 0 ok, 1 internal error, 2 usage, 3 no usable key, 4 identity unknown,
#     5 not delivered in time (retryable), 6 refused for good, 7 selftest failed,
#     8 routes not here within --wait-timeout, 9 a newer claim of another node won,
#     10 routekeeper refused the claim, 11 route tables unreadable (EC2 API unreachable),
#     12 check: routes point elsewhere

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$RoutekeeperData = 'C:\ProgramData\routekeeper'
if ($env:ROUTEKEEPER_DATA) { $RoutekeeperData = $env:ROUTEKEEPER_DATA }
$LkNotify = Join-Path $RoutekeeperHome 'lk-notify.exe'
$LkSettings = Join-Path $RoutekeeperData 'lk-notify.json'
$LkLog = Join-Path $RoutekeeperData 'lk-notify.log'

$LkExit = @{
    Ok = 0; Retryable = 5; NotConfirmed = 8; Superseded = 9; ClaimRefused = 10
    ApiUnreachable = 11; RoutesElsewhere = 12
}

function Write-RoutekeeperLog {
    # One line in lk-notify.log (lk-notify itself caps the file and rotates it to lk-notify.log.1), and on
    # stdout, which LifeKeeper keeps in its own log.
    param([Parameter(Mandatory = $true)][string]$Message)
    $line = '{0} script {1}' -f (Get-Date -Format o), $Message
    Write-Output $line
    Add-Content -Path $LkLog -Value $line -Encoding UTF8
}

function Invoke-LkNotify {
    # Runs lk-notify with the node's settings file and log (lk-notify logs its own lines, never key
    # material); echoes them for LifeKeeper's log and returns the exit code.
    param([Parameter(Mandatory = $true)][string[]]$Arguments)
    # Windows PowerShell 5.1 turns a native program's stderr lines into errors; 'Stop' would abort here.
    $ErrorActionPreference = 'Continue'
    $output = & $LkNotify @Arguments --settings $LkSettings --log $LkLog 2>&1
    $code = $LASTEXITCODE
    foreach ($line in $output) { Write-Host ('lk-notify: {0}' -f $line) }
    return $code
}

function Get-VipArguments {
    # The VIP: the -Vip parameter, else the ROUTEKEEPER_VIP machine variable, else lk-notify takes "vip"
    # from the settings file (preferred: a machine variable reaches the LifeKeeper service only after the
    # service restarts).
    param([string]$Vip)
    if ($Vip) { return @('--vip', $Vip) }
    if ($env:ROUTEKEEPER_VIP) { return @('--vip', $env:ROUTEKEEPER_VIP) }
    return @()
}
