<#
.SYNOPSIS
  LifeKeeper remove for the routekeeper resource: the hierarchy is leaving this node.
.NOTES
  Posts nothing and always exits 0. The routes keep pointing here until the next node's restore claims
  the VIP: routekeeper is the only writer of the VIP routes, and a claim (never a release) moves them.
#>
param([string]$Vip)

. (Join-Path $PSScriptRoot 'RoutekeeperCommon.ps1')
$Vip = Get-RoutekeeperVip -Vip $Vip
Write-RoutekeeperLog ('remove: {0} leaves this node; its routes move with the next claim' -f $Vip)
exit 0
