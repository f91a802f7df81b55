<#
.SYNOPSIS
  LifeKeeper quickCheck for the routekeeper resource: report this node alive and holding the VIP.
.NOTES
  Exit 0 when the heartbeat was delivered, and also when it was not delivered in time (lk-notify exit 5):
  a passing bus or network hiccup must not start local recovery of a healthy service; routekeeper alarms
  on missing heartbeats instead. Any other failure (no key, refused for good, identity unknown) exits 1,
  because a node in that state could not claim the VIP on a failover either.
#>
param([string]$Vip)

. (Join-Path $PSScriptRoot 'RoutekeeperCommon.ps1')
$Vip = Get-RoutekeeperVip -Vip $Vip

$code = Invoke-LkNotify -Arguments @('heartbeat', '--vip', $Vip)
if ($code -eq $LkExit.Ok -or $code -eq $LkExit.Retryable) {
    exit 0
}
Write-RoutekeeperLog ('quickCheck: heartbeat for {0} failed (lk-notify exit {1})' -f $Vip, $code)
exit 1
