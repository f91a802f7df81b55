<#
.SYNOPSIS
  LifeKeeper remove for the routekeeper resource: the hierarchy is leaving this node.
.NOTES
  Posts nothing and always exits 0. The routes keep pointing here until the next node's restore claims
  the VIP: routekeeper is the only writer of the VIP routes, and a claim (never a release) moves them.
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

Write-RoutekeeperLog 'remove: the VIP leaves this node; its routes move with the next claim'
exit 0
