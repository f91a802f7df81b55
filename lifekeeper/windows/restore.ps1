<#
.SYNOPSIS
  LifeKeeper restore for the routekeeper resource: the hierarchy is coming in service on this node, so
  claim the VIP. routekeeper (not this node) rewrites the route tables once it has verified the claim.
.NOTES
  Exit 0 when the bus accepted the signed claim; 1 otherwise (LifeKeeper then treats restore as failed).
#>
param([string]$Vip)

. (Join-Path $PSScriptRoot 'RoutekeeperCommon.ps1')
$Vip = Get-RoutekeeperVip -Vip $Vip

$code = Invoke-LkNotify -Arguments @('failover', '--vip', $Vip)
if ($code -eq $LkExit.Ok) {
    exit 0
}
Write-RoutekeeperLog ('restore: the failover claim for {0} was not delivered (lk-notify exit {1})' -f $Vip, $code)
exit 1
