<#
.SYNOPSIS
  LifeKeeper local recovery for the routekeeper resource, after a failed quickCheck: claim the VIP again
  from this node (a newer claim; routekeeper re-applies the routes and fences older ones).
.NOTES
  Exit 0 when the bus accepted the claim; 1 otherwise, and LifeKeeper moves the hierarchy to another node.
#>
param([string]$Vip)

. (Join-Path $PSScriptRoot 'RoutekeeperCommon.ps1')
$Vip = Get-RoutekeeperVip -Vip $Vip

$code = Invoke-LkNotify -Arguments @('failover', '--vip', $Vip)
if ($code -eq $LkExit.Ok) {
    exit 0
}
Write-RoutekeeperLog ('recover: the claim for {0} was not delivered (lk-notify exit {1})' -f $Vip, $code)
exit 1
