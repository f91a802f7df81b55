<#
.SYNOPSIS
  Heartbeat for the scheduled task on every node (the standby has no quickCheck to send one): alive, and
  holding the VIP exactly when the VIP is configured on a local network adapter (LifeKeeper's IP resource
  puts it there on the active node).
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

if (-not $Vip) { $Vip = $env:ROUTEKEEPER_VIP }
if (-not $Vip) { $Vip = (Get-Content -LiteralPath $LkSettings -Raw | ConvertFrom-Json).vip }
$held = @()
if ($Vip) { $held = @(Get-NetIPAddress -IPAddress $Vip -ErrorAction SilentlyContinue) }
if ($held.Count -gt 0) {
    $code = Invoke-LkNotify -Arguments @('heartbeat', '--vip', $Vip)
} else {
    $code = Invoke-LkNotify -Arguments @('heartbeat')
}
exit $code
