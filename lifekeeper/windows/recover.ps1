<#
.SYNOPSIS
  LifeKeeper local recovery for the routekeeper resource, after quickCheck found the VIP's routes
  elsewhere: claim the VIP again (a newer claim; routekeeper re-applies the routes and fences older ones)
  and wait until the routes point here, as restore does.
.NOTES
  Exit 0 when the routes are confirmed here; 1 otherwise, and LifeKeeper moves the hierarchy to another node.
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

$code = Invoke-LkNotify -Arguments (@('failover', '--wait') + (Get-VipArguments -Vip $Vip))
if ($code -eq $LkExit.Ok) {
    exit 0
}
Write-RoutekeeperLog ('recover: the VIP is not confirmed on this node (lk-notify exit {0})' -f $code)
exit 1
