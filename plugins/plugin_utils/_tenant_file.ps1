# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The Windows side of fusion.pos.fusion_tenant (the POSIX side is the module fusion_tenant_file): run on
# the POS host by ansible.windows.win_powershell, whose no_log parameters carry the text and the
# passwords. Puts each password back in place of its token and writes tenants.json atomically, only
# when its content differs. Not run against a real Windows host by the tests (docs/TESTING.md).
[CmdletBinding()]
param (
    [Parameter(Mandatory = $true)][string]$Path,
    [Parameter(Mandatory = $true)][string]$Content,
    [System.Collections.IDictionary]$Secrets = @{}
)

$ErrorActionPreference = 'Stop'
$Ansible.Changed = $false
$folder = [System.IO.Path]::GetDirectoryName($Path)
if (-not [System.IO.Directory]::Exists($folder)) {
    $Ansible.Result = @{ msg = "the tenants folder $folder does not exist on this host (MonitorTenantsFolder)" }
    $Ansible.Failed = $true
    return
}

$text = $Content
foreach ($secretToken in $Secrets.Keys) {
    $text = $text.Replace([string]$secretToken, [string]$Secrets[$secretToken])
}
$encoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
$data = $encoding.GetBytes($text)

$current = $null
if ([System.IO.File]::Exists($Path)) {
    $current = [System.IO.File]::ReadAllBytes($Path)
}
$same = ($null -ne $current) -and ($current.Length -eq $data.Length)
if ($same) {
    for ($i = 0; $i -lt $data.Length; $i++) {
        if ($current[$i] -ne $data[$i]) { $same = $false; break }
    }
}
if ($same) {
    return
}

$temp = [System.IO.Path]::Combine($folder, ".tenants." + [System.Guid]::NewGuid().ToString("N") + ".tmp")
try {
    [System.IO.File]::WriteAllBytes($temp, $data)
    if ($null -ne $current) {
        [System.IO.File]::Replace($temp, $Path, $null)
    }
    else {
        [System.IO.File]::Move($temp, $Path)
    }
    $Ansible.Changed = $true
}
catch {
    if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
    $Ansible.Result = @{ msg = "cannot write ${Path}: $($_.Exception.Message)" }
    $Ansible.Failed = $true
}
