<#
.SYNOPSIS
  LifeKeeper restore for the routekeeper resource: the hierarchy is coming in service on this node, so
  claim the VIP and wait until routekeeper has moved its routes here.
.NOTES
  Runs `lk-notify failover --wait`: exit 0 only when every managed route table of the cluster VPC routes
  the VIP to this node's ENI. Exit 1 otherwise, with lk-notify's reason in the log: not delivered (5, 6),
  not confirmed within the wait (8), a newer claim of the other node won (9), routekeeper refused the
  claim (10, with its reason), route tables unreadable (11). LifeKeeper then treats restore as failed.
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
Write-RoutekeeperLog ('restore: the VIP is not confirmed on this node (lk-notify exit {0})' -f $code)
exit 1
