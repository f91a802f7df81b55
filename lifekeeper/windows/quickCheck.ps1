<#
.SYNOPSIS
  LifeKeeper quickCheck for the routekeeper resource: do the VIP's routes point here? Then report this
  node alive and holding the VIP.
.NOTES
  Runs `lk-notify check`: one read of the managed route tables, then the heartbeat.
  - 0 routes here and heartbeat sent, or 5 heartbeat not delivered in time: healthy (exit 0).
  - 12 a managed table routes the VIP elsewhere (or lacks the route): exit 1, so LifeKeeper runs recover,
    which claims the VIP again and waits for the routes.
  - 11 the route tables could not be read (EC2 API unreachable): healthy (exit 0), logged. Nothing is known
    about the routes, and a network blip must not make LifeKeeper recover or fail over a working service;
    routekeeper's drift check and its heartbeat alarm watch the routes from the other side.
  - anything else (no key, refused for good, identity unknown): exit 1, because a node in that state could
    not claim the VIP on a failover either.
#>
param([string]$Vip)

$RoutekeeperHome = 'C:\Program Files\routekeeper'
if ($env:ROUTEKEEPER_HOME) { $RoutekeeperHome = $env:ROUTEKEEPER_HOME }
$common = Join-Path $RoutekeeperHome 'RoutekeeperCommon.ps1'
if (-not (Test-Path -LiteralPath $common)) {
    Write-Output ('routekeeper: {0} is missing: install it with lk-notify.exe (docs/lifekeeper-windows.md)' -f $common)
    exit 1
}
. $common

$code = Invoke-LkNotify -Arguments (@('check') + (Get-VipArguments -Vip $Vip))
if ($code -eq $LkExit.Ok -or $code -eq $LkExit.Retryable) {
    exit 0
}
if ($code -eq $LkExit.ApiUnreachable) {
    Write-RoutekeeperLog 'quickCheck: route tables unreadable (lk-notify exit 11); staying in service'
    exit 0
}
Write-RoutekeeperLog ('quickCheck: failed (lk-notify exit {0}); LifeKeeper will run recover' -f $code)
exit 1
