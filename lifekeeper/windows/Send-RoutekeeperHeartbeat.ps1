<#
.SYNOPSIS
  Heartbeat for the scheduled task on every node (the standby has no quickCheck to send one): alive, and
  holding the VIP exactly when the VIP is configured on a local network adapter (LifeKeeper's IP resource
  puts it there on the active node).
#>
param([string]$Vip)

. (Join-Path $PSScriptRoot 'RoutekeeperCommon.ps1')
$Vip = Get-RoutekeeperVip -Vip $Vip

$held = @(Get-NetIPAddress -IPAddress $Vip -ErrorAction SilentlyContinue)
if ($held.Count -gt 0) {
    $code = Invoke-LkNotify -Arguments @('heartbeat', '--vip', $Vip)
} else {
    $code = Invoke-LkNotify -Arguments @('heartbeat')
}
exit $code
